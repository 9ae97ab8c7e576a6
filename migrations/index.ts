// Every migration, in order. TypeORM gets classes, not a glob: loading files by glob under jest's
// ESM runtime raced when several apps booted at once. A unit test checks that no file is left out.
import { InitialSchema1795269055077 } from './1795269055077-InitialSchema.js';
import { CampaignCounterTrigger1795269055078 } from './1795269055078-CampaignCounterTrigger.js';
import { ReportIndexes1795269499431 } from './1795269499431-ReportIndexes.js';
import { CampaignCounterWaiting1795269499432 } from './1795269499432-CampaignCounterWaiting.js';
import { ChannelConversations1795269687548 } from './1795269687548-ChannelConversations.js';
import { ContactsImport1795270249599 } from './1795270249599-ContactsImport.js';
import { SendClaims1795735487845 } from './1795735487845-SendClaims.js';
import { ClearStaleRecipientErrors1795736307535 } from './1795736307535-ClearStaleRecipientErrors.js';
import { WebhookInboxParkedIndex1795736307536 } from './1795736307536-WebhookInboxParkedIndex.js';
import { ContactsPhoneCollationC1795759833287 } from './1795759833287-ContactsPhoneCollationC.js';
import { TemplatesAndAccountSignals1796235036875 } from './1796235036875-TemplatesAndAccountSignals.js';
import { RecipientEngagement1796400000000 } from './1796400000000-RecipientEngagement.js';
import { CampaignCosts1796400000100 } from './1796400000100-CampaignCosts.js';
import { ChannelMarketingMessagesAndPartner1796400000200 } from './1796400000200-ChannelMarketingMessagesAndPartner.js';
import { ClaimRules1796400000300 } from './1796400000300-ClaimRules.js';
import { Audiences1796400000400 } from './1796400000400-Audiences.js';
import { CampaignRepliesAndVariants1796400000500 } from './1796400000500-CampaignRepliesAndVariants.js';
import { UploadChunksAndErasures1796400000700 } from './1796400000700-UploadChunksAndErasures.js';
import { StatusesSeenThrough1796400000800 } from './1796400000800-StatusesSeenThrough.js';
import { ImportOptInInContactRow1796500000100 } from './1796500000100-ImportOptInInContactRow.js';
import { RecipientConfirmHot1796500000200 } from './1796500000200-RecipientConfirmHot.js';
import { FrequencyLedgerWithoutForeignKey1796500000300 } from './1796500000300-FrequencyLedgerWithoutForeignKey.js';

export const migrations = [
  InitialSchema1795269055077,
  CampaignCounterTrigger1795269055078,
  ReportIndexes1795269499431,
  CampaignCounterWaiting1795269499432,
  ChannelConversations1795269687548,
  ContactsImport1795270249599,
  SendClaims1795735487845,
  ClearStaleRecipientErrors1795736307535,
  WebhookInboxParkedIndex1795736307536,
  ContactsPhoneCollationC1795759833287,
  TemplatesAndAccountSignals1796235036875,
  RecipientEngagement1796400000000,
  CampaignCosts1796400000100,
  ChannelMarketingMessagesAndPartner1796400000200,
  ClaimRules1796400000300,
  Audiences1796400000400,
  CampaignRepliesAndVariants1796400000500,
  UploadChunksAndErasures1796400000700,
  StatusesSeenThrough1796400000800,
  ImportOptInInContactRow1796500000100,
  RecipientConfirmHot1796500000200,
  FrequencyLedgerWithoutForeignKey1796500000300,
];
