/**
 * The rate card the engine uses while PRICING_RATE_CARD is unset, and the file `rate-card.example.json`
 * at the repository's root (a unit test keeps the two equal). The figures are EXAMPLES in the shape of
 * WhatsApp's per-message price list, not anyone's contract: every estimate and report made with this
 * card names it, so nobody mistakes it for the account's own prices. Copy the file, put your own rates
 * in, and point PRICING_RATE_CARD at it.
 */
export const EXAMPLE_RATE_CARD_NAME = "EXAMPLE figures, not your prices: set PRICING_RATE_CARD to your account's rate card";

export const EXAMPLE_RATE_CARD_JSON = `{
  "name": "${EXAMPLE_RATE_CARD_NAME}",
  "currency": "EUR",
  "rates": [
    { "callingCode": "49", "category": "marketing", "price": 0.1131 },
    { "callingCode": "49", "category": "utility", "price": 0.0456 },
    { "callingCode": "49", "category": "authentication", "price": 0.0636 },
    { "callingCode": "44", "category": "marketing", "price": 0.0705 },
    { "callingCode": "44", "category": "utility", "price": 0.0295 },
    { "callingCode": "44", "category": "authentication", "price": 0.0358 },
    { "callingCode": "33", "category": "marketing", "price": 0.1194 },
    { "callingCode": "33", "category": "utility", "price": 0.0276 },
    { "callingCode": "33", "category": "authentication", "price": 0.0629 },
    { "callingCode": "34", "category": "marketing", "price": 0.0509 },
    { "callingCode": "34", "category": "utility", "price": 0.0166 },
    { "callingCode": "34", "category": "authentication", "price": 0.0311 },
    { "callingCode": "39", "category": "marketing", "price": 0.0572 },
    { "callingCode": "39", "category": "utility", "price": 0.0248 },
    { "callingCode": "39", "category": "authentication", "price": 0.0311 },
    { "callingCode": "1", "category": "marketing", "price": 0.0232 },
    { "callingCode": "1", "category": "utility", "price": 0.0036 },
    { "callingCode": "1", "category": "authentication", "price": 0.0125 },
    { "callingCode": "*", "category": "marketing", "price": 0.0601 },
    { "callingCode": "*", "category": "utility", "price": 0.0172 },
    { "callingCode": "*", "category": "authentication", "price": 0.0310 }
  ]
}
`;
