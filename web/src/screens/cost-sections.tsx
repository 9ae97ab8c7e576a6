/** Money on a campaign's page: the estimate before launch (GET …/estimate), the report's cost after it. */
import type { Cost, Estimate } from '../api/types';
import { Card, ErrorBox } from '../components/ui';
import { formatAmount, formatNumber } from '../lib/format';

export function EstimateCard({ estimate, error }: { estimate: Estimate | null; error: unknown }) {
  return (
    <Card title="Cost estimate" id="estimate">
      <ErrorBox error={error} />
      {!estimate && !error && <p class="muted">Estimating…</p>}
      {estimate && (
        <>
          {estimate.exampleRateCard && (
            <p class="notice">Priced with the built-in EXAMPLE rate card, not your prices: set PRICING_RATE_CARD to your account's card.</p>
          )}
          <dl class="stats">
            <div class="stat">
              <dt>estimated total</dt>
              <dd id="estimate-total">{formatAmount(estimate.total, estimate.currency)}</dd>
            </div>
            <div class="stat">
              <dt>{estimate.basis === 'audience' ? 'recipients (audience now)' : 'recipients (at launch)'}</dt>
              <dd id="estimate-recipients">{formatNumber(estimate.recipients)}</dd>
            </div>
            <div class="stat">
              <dt>billable</dt>
              <dd>{formatNumber(estimate.billable)}</dd>
            </div>
            <div class="stat">
              <dt>free (service window)</dt>
              <dd>{formatNumber(estimate.free)}</dd>
            </div>
          </dl>
          <p class="muted">
            Template {estimate.template.name} ({estimate.template.language}), category {estimate.template.category ?? 'unknown'}; rate card “{estimate.rateCard}”.
          </p>
          {estimate.lines.length > 0 && (
            <table class="data" aria-label="Estimate by country">
              <thead>
                <tr>
                  <th>Calling code</th>
                  <th>Countries</th>
                  <th>Category</th>
                  <th class="num">Recipients</th>
                  <th class="num">Unit price</th>
                  <th class="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {estimate.lines.map((line, index) => (
                  <tr key={index}>
                    <td>{line.callingCode ? `+${line.callingCode}` : 'none'}</td>
                    <td>{line.countries.join(', ') || '—'}</td>
                    <td>{line.category ?? '—'}</td>
                    <td class="num">{formatNumber(line.recipients)}</td>
                    <td class="num">{line.unitPrice === null ? 'not priced' : formatAmount(line.unitPrice, estimate.currency)}</td>
                    <td class="num">
                      {formatAmount(line.amount, estimate.currency)}
                      {line.note && <small class="hint"> {line.note}</small>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {estimate.notes.map((note) => (
            <p key={note} class="notice">
              {note}
            </p>
          ))}
        </>
      )}
    </Card>
  );
}

export function CostCard({ cost }: { cost: Cost }) {
  return (
    <Card title="Cost" id="cost">
      <dl class="stats">
        <div class="stat">
          <dt>estimated</dt>
          <dd id="cost-estimated">{formatAmount(cost.estimated, cost.currency)}</dd>
        </div>
        <div class="stat">
          <dt>actual so far</dt>
          <dd id="cost-actual">{formatAmount(cost.actual, cost.currency)}</dd>
        </div>
        <div class="stat">
          <dt>billable messages</dt>
          <dd>{formatNumber(cost.billableMessages)}</dd>
        </div>
      </dl>
      {cost.byCategory.length > 0 && (
        <table class="data" aria-label="Cost by category">
          <thead>
            <tr>
              <th>Category</th>
              <th class="num">Messages</th>
              <th class="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {cost.byCategory.map((row) => (
              <tr key={row.category}>
                <td>
                  {row.category}
                  {!row.priced && ' (not priced by the card)'}
                </td>
                <td class="num">{formatNumber(row.messages)}</td>
                <td class="num">{formatAmount(row.amount, cost.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">Rate card “{cost.rateCard}”.</p>
    </Card>
  );
}
