import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { PartnerClient, type PartnerCallResult } from '../whatsapp/partner-client.js';
import { findPartnerKey } from '../whatsapp/phone-number.js';
import type { ChannelCredentials } from '../whatsapp/types.js';
import { ChannelsRepository } from './channels.repository.js';
import { ApiKeyUnreadableError, ChannelsService } from './channels.service.js';
import type { ApiKeyRotationResponse } from './dto/channel-response.dto.js';
import { PhoneNumberCheck } from './phone-number-check.js';

/**
 * `POST /v1/channels/:id/api-key/rotate`: a new D360-API-KEY through 360dialog's Partner API, checked
 * with /phone_number, stored encrypted (the sender picks it up at its next claim), and the previous key
 * deleted upstream after API_KEY_ROTATION_GRACE_MS. A send still holding the previous key that meets a
 * 401 after the switch is re-queued, not counted and not paused (outcome-policy.ts, keyChanged): a 401
 * means nothing went out, so no message is lost or sent twice.
 */
@Injectable()
export class ApiKeyRotationService {
  private readonly logger = new Logger(ApiKeyRotationService.name);
  constructor(
    private readonly config: AppConfig,
    private readonly channels: ChannelsService,
    private readonly partner: PartnerClient,
    private readonly phoneNumbers: PhoneNumberCheck,
    private readonly repository: ChannelsRepository,
  ) {}

  async rotate(id: string): Promise<ApiKeyRotationResponse> {
    if (!this.partner.settings) {
      throw new DomainError(
        'conflict',
        'the 360dialog Partner API is not configured: set PARTNER_ID and PARTNER_API_TOKEN (and PARTNER_API_URL when it is not https://hub.360dialog.io/api/v2) and restart the engine',
      );
    }
    // Read under the lock: a rotation another instance just finished changed the key this one replaces.
    const rotated = await this.repository.whileRotatingKey(id, () => this.rotateHoldingLock(id));
    if (!rotated) throw new DomainError('conflict', `a key rotation of channel ${id} is already under way: wait for its answer`);
    return rotated.value;
  }

  private async rotateHoldingLock(id: string): Promise<ApiKeyRotationResponse> {
    const channel = await this.channels.requireChannel(id);
    const partnerChannelId = channel.partnerChannelId;
    if (!partnerChannelId) {
      throw new DomainError('conflict', `channel ${id} has no partnerChannelId: set its 360dialog channel id with PATCH /v1/channels/${id} {"partnerChannelId": "…"} first`);
    }
    let previousKey: string | null = null;
    try {
      previousKey = this.channels.credentialsFor(channel).apiKey;
    } catch (error) {
      if (!(error instanceof ApiKeyUnreadableError)) throw error;
    }
    const created = upstreamOrThrow(await this.partner.createApiKey(partnerChannelId), 'create a new API key');
    const credentials: ChannelCredentials = {
      channelId: id,
      apiGeneration: channel.apiGeneration,
      baseUrl: channel.baseUrl,
      apiKey: created.api_key,
      templateNamespace: channel.templateNamespace,
    };
    try {
      await this.phoneNumbers.assertKeyBelongsTo(credentials, channel.phoneNumber);
    } catch (error) {
      // A key that cannot be used here is not left behind upstream.
      await this.partner.deleteApiKey(partnerChannelId, created.id);
      throw error;
    }
    const updated = await this.channels.update(id, { apiKey: created.api_key, verifyPhoneNumber: false });
    this.logger.log(`Channel ${id}: API key rotated (…${channel.apiKeyLast4} → …${updated.apiKeyLast4})`);
    const warnings: string[] = [];
    const previousKeyDeleted = previousKey === null ? false : await this.deletePrevious(partnerChannelId, previousKey, created.id, warnings);
    if (previousKey === null) warnings.push('the previous key could not be decrypted (ENCRYPTION_KEY changed?): delete it in the 360dialog hub');
    return {
      channelId: id,
      apiKeyLast4: updated.apiKeyLast4,
      previousApiKeyLast4: channel.apiKeyLast4,
      phoneNumber: channel.phoneNumber,
      previousKeyDeleted,
      warnings,
    };
  }

  /** Waits for sends already holding the previous key, then deletes it upstream; false (with a warning) when it could not. */
  private async deletePrevious(partnerChannelId: string, previousKey: string, newKeyId: string, warnings: string[]): Promise<boolean> {
    const graceMs = this.config.env.API_KEY_ROTATION_GRACE_MS;
    if (graceMs > 0) await sleep(graceMs);
    const listed = await this.partner.listApiKeys(partnerChannelId);
    if (!listed.ok) {
      warnings.push(`the previous key was not deleted: listing the channel's keys failed (${describe(listed)}); delete it in the 360dialog hub`);
      return false;
    }
    const previous = findPartnerKey(listed.value, previousKey, newKeyId);
    if (!previous) {
      warnings.push(`the previous key (…${previousKey.slice(-4)}) is not among the channel's keys at 360dialog, or cannot be told apart: check the hub`);
      return false;
    }
    const deleted = await this.partner.deleteApiKey(partnerChannelId, previous.id);
    if (!deleted.ok) {
      warnings.push(`deleting the previous key ${previous.id} failed (${describe(deleted)}): delete it in the 360dialog hub`);
      return false;
    }
    return true;
  }
}

function describe(failure: { httpStatus: number | null; errorTitle: string }): string {
  return `${failure.httpStatus === null ? 'no answer' : `HTTP ${failure.httpStatus}`}: ${failure.errorTitle}`;
}

function upstreamOrThrow<T>(result: PartnerCallResult<T>, what: string): T {
  if (result.ok) return result.value;
  throw new DomainError('upstream', `360dialog's Partner API did not ${what}: ${describe(result)}`, {
    upstream: { httpStatus: result.httpStatus, errorCode: result.errorCode, errorTitle: result.errorTitle },
  });
}
