import type { SandboxTemplate } from './sandbox-payloads.js';

/**
 * The sandbox's templates unless told otherwise (`templates` option, SANDBOX_TEMPLATES_FILE or
 * POST /_sandbox/templates). Every template the tests, scripts, README journey and `npm run demo` send
 * is here with the parameters they give (spring_sale: 1 body parameter, codes: 2, floor_template: 1),
 * beside others that show what the registry and the pre-flight deal with: media headers, buttons,
 * named parameters and statuses other than APPROVED.
 */
export const DEFAULT_TEMPLATES: SandboxTemplate[] = [
  { name: 'hello_world', language: 'en_US', category: 'UTILITY', body: 'Hello World' },
  { name: 'spring_sale', language: 'en', category: 'MARKETING', body: 'Hi {{1}}, our spring sale starts today!' },
  { name: 'spring_sale', language: 'de', category: 'MARKETING', body: 'Hallo {{1}}, unser Frühlingsverkauf beginnt heute!' },
  { name: 'order_update', language: 'en', category: 'UTILITY', body: 'Your order {{1}} is on its way.' },
  { name: 'codes', language: 'en', category: 'MARKETING', body: 'Hi {{1}}, your discount code is {{2}}.' },
  { name: 'floor_template', language: 'en', category: 'UTILITY', body: 'Benchmark message {{1}}' },
  {
    name: 'order_shipped',
    language: 'en',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Track it', url: 'https://shop.example/track/{{1}}' },
          { type: 'QUICK_REPLY', text: 'Stop updates' },
        ],
      },
    ],
  },
  {
    name: 'invoice_ready',
    language: 'en',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'DOCUMENT' },
      { type: 'BODY', text: 'Your invoice {{1}} is attached.' },
    ],
  },
  {
    name: 'appointment_reminder',
    language: 'en',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'See you, {{first_name}}' },
      { type: 'BODY', text: 'Hi {{first_name}}, your appointment is on {{date}}.' },
    ],
  },
  {
    name: 'login_code',
    language: 'en',
    category: 'AUTHENTICATION',
    components: [
      { type: 'BODY', text: '*{{1}}* is your verification code.' },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
    ],
  },
  { name: 'winter_sale', language: 'en', category: 'MARKETING', status: 'PAUSED', body: 'Hi {{1}}, our winter sale ends soon!' },
  { name: 'summer_sale', language: 'en', category: 'MARKETING', status: 'DISABLED', body: 'Hi {{1}}, summer is here!' },
  { name: 'autumn_sale', language: 'en', category: 'MARKETING', status: 'PENDING', body: 'Hi {{1}}, autumn deals inside.' },
];
