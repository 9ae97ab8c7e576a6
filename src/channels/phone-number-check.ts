import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { samePhoneNumber } from '../whatsapp/phone-number.js';
import type { ChannelCredentials } from '../whatsapp/types.js';
import { WhatsAppClient } from '../whatsapp/whatsapp-client.js';

/**
 * Asks 360dialog which number a key belongs to (`GET {baseUrl}/v1/configs/phone_number`) and refuses a
 * key of another number before it is stored: the seeds warn that "a mismatch could lead to
 * inconsistent data". Used when a channel is created, when its key or base URL changes, and for a key
 * made by a rotation.
 */
@Injectable()
export class PhoneNumberCheck {
  private readonly logger = new Logger(PhoneNumberCheck.name);

  constructor(private readonly client: WhatsAppClient) {}

  /**
   * Resolves when the key belongs to `phoneNumber`. 422 when it belongs to another number or 360dialog
   * refuses the key; 502 when 360dialog cannot be reached or answers with an error of its own.
   */
  async assertKeyBelongsTo(credentials: ChannelCredentials, phoneNumber: string): Promise<void> {
    const result = await this.client.phoneNumber(credentials);
    const skip = 'or pass "verifyPhoneNumber": false to skip the check for an offline set-up';
    if (!result.ok) {
      const answer = result.httpStatus === null ? `no answer (${result.errorTitle})` : `HTTP ${result.httpStatus}: ${result.errorTitle}`;
      const upstream = { httpStatus: result.httpStatus, errorCode: result.errorCode, errorTitle: result.errorTitle };
      if (result.httpStatus === 401 || result.httpStatus === 403) {
        throw new DomainError('unprocessable', `360dialog refused the API key when asked which number it belongs to (${answer}): give the D360-API-KEY of ${phoneNumber}`, {
          upstream,
        });
      }
      throw new DomainError(
        'upstream',
        `could not check which number the API key belongs to: GET ${credentials.baseUrl}/v1/configs/phone_number gave ${answer}; check baseUrl and try again, ${skip}`,
        { upstream },
      );
    }
    if (!samePhoneNumber(result.phoneNumber, phoneNumber)) {
      throw new DomainError(
        'unprocessable',
        `the API key belongs to +${result.phoneNumber}, not to the channel's phoneNumber ${phoneNumber}: use the key of ${phoneNumber}, or correct phoneNumber`,
        { keyPhoneNumber: `+${result.phoneNumber}`, phoneNumber },
      );
    }
    this.logger.debug(`API key …${credentials.apiKey.slice(-4)} belongs to ${phoneNumber}`);
  }
}
