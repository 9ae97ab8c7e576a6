import { downloadGrantKey, GRANT_TTL_SECONDS, type GrantVerdict, signDownloadGrant, verifyDownloadGrant } from './download-grant.js';

const key = downloadGrantKey(Buffer.alloc(32, 1));
const otherKey = downloadGrantKey(Buffer.alloc(32, 2));
const CAMPAIGN = '0d9d5f84-38a4-4d4c-9a0e-2b8e0f0e6d11';
const OTHER = '1d9d5f84-38a4-4d4c-9a0e-2b8e0f0e6d11';
const NOW = 1_800_000_000;
const grant = signDownloadGrant(key, CAMPAIGN, NOW + GRANT_TTL_SECONDS);
const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

describe('report.csv download grants', () => {
  it.each<[string, string, string, number, GrantVerdict]>([
    ['a fresh grant', CAMPAIGN, grant, NOW, 'ok'],
    ['a fresh grant, id in upper case', CAMPAIGN.toUpperCase(), grant, NOW, 'ok'],
    ['one second before it expires', CAMPAIGN, grant, NOW + GRANT_TTL_SECONDS - 1, 'ok'],
    ['when it expires', CAMPAIGN, grant, NOW + GRANT_TTL_SECONDS, 'expired'],
    ['for another campaign', OTHER, grant, NOW, 'invalid'],
    ['with a later expiry written in', CAMPAIGN, grant.replace(`.${NOW + GRANT_TTL_SECONDS}.`, `.${NOW + 9999}.`), NOW, 'invalid'],
    ['with its signature changed', CAMPAIGN, flip(grant, grant.length - 5), NOW, 'invalid'],
    ['signed with another key', CAMPAIGN, signDownloadGrant(otherKey, CAMPAIGN, NOW + 30), NOW, 'invalid'],
    ['signed for far longer than a grant lives', CAMPAIGN, signDownloadGrant(key, CAMPAIGN, NOW + 86_400), NOW, 'invalid'],
    ['empty', CAMPAIGN, '', NOW, 'malformed'],
    ['not a grant', CAMPAIGN, 'Bearer abc', NOW, 'malformed'],
    ['another version', CAMPAIGN, grant.replace(/^g1/, 'g2'), NOW, 'malformed'],
    ['a campaign id that is not a UUID', 'not-a-uuid', grant, NOW, 'malformed'],
  ])('%s → %s', (_name, campaignId, given, now, verdict) => {
    expect(verifyDownloadGrant(key, campaignId, given, now)).toBe(verdict);
  });

  it('derives a key of its own from the encryption key', () => {
    expect(downloadGrantKey(Buffer.alloc(32, 1))).toEqual(key);
    expect(key.equals(Buffer.alloc(32, 1))).toBe(false);
    expect(key).toHaveLength(32);
  });
});
