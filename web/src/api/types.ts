/** Names for the engine's API shapes, generated from its OpenAPI document (schema.d.ts: `npm run build`). */
import type { components } from './schema';

type S = components['schemas'];
export type Channel = S['ChannelResponse'];
export type CreatedChannel = S['CreatedChannelResponse'];
export type CreateChannel = S['CreateChannelDto'];
export type ChannelHealth = S['ChannelHealthResponse'];
export type WebhookRegistration = S['WebhookRegistrationResponse'];
export type ChannelTemplate = S['ChannelTemplateResponse'];
export type TemplateComponent = S['TemplateComponentResponse'];
export type TemplateList = S['ChannelTemplateListResponse'];
export type ImportAccepted = S['ImportAcceptedResponse'];
export type ImportState = S['ImportResponse'];
export type Contact = S['ContactResponse'];
export type ContactDetail = S['ContactDetailResponse'];
export type List = S['ListResponse'];
export type Campaign = S['CampaignResponse'];
export type CampaignStatus = Campaign['status'];
export type CreateCampaign = S['CreateCampaignDto'];
export type SendWindow = S['SendWindowDto'];
export type Report = S['CampaignReportDto'];
export type Timeseries = S['TimeseriesDto'];
export type TimeseriesPoint = S['TimeseriesPointDto'];
export type DownloadLink = S['DownloadLinkDto'];
export type Page<T> = { items: T[]; nextCursor: string | null };
