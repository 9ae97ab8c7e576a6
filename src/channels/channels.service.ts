import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainError, notFound } from '../common/domain-error.js';
import { decryptSecret, encryptSecret, randomSecret, sha256 } from '../common/secrets.js';
import { AppConfig } from '../config/app-config.js';
import { credentialsMatch } from '../whatsapp/webhook-auth.js';
import { Channel, type ChannelEdit } from './channel.entity.js';
import { ChannelsRepository } from './channels.repository.js';
import type {
  ChannelHealthResponse,
  ChannelListResponse,
  ChannelResponse,
  CreatedChannelResponse,
  WebhookRegistrationResponse,
} from './dto/channel-response.dto.js';
import type { CreateChannelDto } from './dto/create-channel.dto.js';
import type { ListChannelsQueryDto } from './dto/list-channels.dto.js';
import type { UpdateChannelDto } from './dto/update-channel.dto.js';
import { assertMarketingMessagesFits, type ChannelCursor, decodeChannelCursor, encodeChannelCursor, normalizeBaseUrl } from './channel-rules.js';
import { channelResponse } from './channel-response.js';
import { isUuid } from '../common/ids.js';
import { basicAuthorization, parseBasicAuthorization, webhookUrl, webhookUrlWarnings } from '../whatsapp/webhook-credentials.js';
import { WhatsAppClient } from '../whatsapp/whatsapp-client.js';
import type { ChannelCredentials } from '../whatsapp/types.js';
import { DEFAULT_BASE_URL } from '../whatsapp/payloads.js';
import { errorMessage } from '../common/errors.js';
import { PhoneNumberCheck } from './phone-number-check.js';

export type WebhookCredentialsVerdict = 'ok' | 'unknown_channel' | 'bad_credentials';

const DEFAULT_MESSAGES_PER_SECOND = 80;
const DEFAULT_PAGE_SIZE = 50;
/** 360dialog asks for at most one health call per 5 minutes per number. */
const HEALTH_CACHE_MS = 5 * 60_000;
/** No answer at all is not an upstream health reading; try again sooner. */
const HEALTH_UNREACHABLE_CACHE_MS = 30_000;
const WEBHOOK_CREDENTIALS_REFRESH_MS = 30_000;
/** A miss reloads from the database at most this often, so a flood of bad requests cannot hammer it. */
const WEBHOOK_CREDENTIALS_MISS_RELOAD_MS = 1_000;

interface WebhookCredentialsEntry {
  username: string;
  /** sha256 hex as stored; a malformed one never matches (credentialsMatch). */
  passwordHash: string;
  /** Up to 4 Authorization headers found to match (360dialog resends the same one): Set.has, no hash per call; a reload starts empty. */
  verified: Set<string>;
}

interface CachedHealth {
  expiresAt: number;
  reading: Omit<ChannelHealthResponse, 'cached'>;
}

/** The stored API key does not decrypt with this engine's ENCRYPTION_KEY: nothing can be sent until it is set again. */
export class ApiKeyUnreadableError extends Error {
  constructor(channelId: string) {
    super(`the API key of channel ${channelId} cannot be decrypted (was ENCRYPTION_KEY changed?): set it again with PATCH /v1/channels/${channelId}`);
    this.name = 'ApiKeyUnreadableError';
  }
}

@Injectable()
export class ChannelsService {
  private readonly logger = new Logger(ChannelsService.name);
  private readonly healthCache = new Map<string, CachedHealth>();
  private readonly healthInFlight = new Map<string, Promise<Omit<ChannelHealthResponse, 'cached'>>>();
  private webhookCredentials = new Map<string, WebhookCredentialsEntry>();
  private webhookCredentialsLoadedAt = Number.NEGATIVE_INFINITY;
  private webhookCredentialsLoading: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly client: WhatsAppClient,
    private readonly repository: ChannelsRepository,
    private readonly phoneNumbers: PhoneNumberCheck,
  ) {}

  async create(dto: CreateChannelDto): Promise<CreatedChannelResponse> {
    const baseUrl = this.allowedBaseUrl(dto.baseUrl ?? DEFAULT_BASE_URL[dto.apiGeneration]);
    assertMarketingMessagesFits(dto.apiGeneration, dto.marketingMessagesApi);
    const { apiGeneration, apiKey, phoneNumber } = dto;
    if (dto.verifyPhoneNumber !== false) await this.phoneNumbers.assertKeyBelongsTo({ channelId: 'new', apiGeneration, baseUrl, apiKey, templateNamespace: null }, phoneNumber);
    const password = randomSecret();
    const passwordHash = sha256(password).toString('hex');
    const channel = await this.repository.create({
      name: dto.name,
      phoneNumber: dto.phoneNumber,
      apiGeneration: dto.apiGeneration,
      baseUrl,
      apiKeyEncrypted: encryptSecret(dto.apiKey, this.config.encryptionKey),
      apiKeyLast4: dto.apiKey.slice(-4),
      templateNamespace: dto.templateNamespace ?? null,
      messagesPerSecond: dto.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND,
      messagingLimit: dto.messagingLimit ?? null,
      webhookUsername: `wa-${randomBytes(4).toString('hex')}`,
      webhookPasswordHash: passwordHash,
      webhookRegisteredAt: null,
      pausedReason: null,
      throttledUntil: null,
      marketingMessagesApi: dto.marketingMessagesApi ?? false,
      marketingMessagesFallback: dto.marketingMessagesFallback ?? false,
      partnerChannelId: dto.partnerChannelId ?? null,
    });
    this.rememberWebhookCredentials(channel.id, channel.webhookUsername, passwordHash);
    this.logger.log(`Channel ${channel.id} (${channel.apiGeneration}, ${channel.phoneNumber}) created`);
    const view = this.toResponse(channel);
    return { ...view, webhook: { ...view.webhook, password } };
  }

  async list(query: ListChannelsQueryDto): Promise<ChannelListResponse> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let after: ChannelCursor | null = null;
    if (query.cursor !== undefined) {
      after = decodeChannelCursor(query.cursor);
      if (!after) throw new DomainError('invalid', 'cursor is not valid: pass the nextCursor of the previous page unchanged');
    }
    const rows = await this.repository.page(after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((channel) => this.toResponse(channel)),
      nextCursor: rows.length > limit && last ? encodeChannelCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async get(id: string): Promise<ChannelResponse> {
    return this.toResponse(await this.requireChannel(id));
  }

  async update(id: string, dto: UpdateChannelDto): Promise<ChannelResponse> {
    const channel = await this.requireChannel(id);
    const patch: ChannelEdit = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.apiKey !== undefined) {
      patch.apiKeyEncrypted = encryptSecret(dto.apiKey, this.config.encryptionKey);
      patch.apiKeyLast4 = dto.apiKey.slice(-4);
    }
    if (dto.baseUrl !== undefined) patch.baseUrl = this.allowedBaseUrl(dto.baseUrl);
    if (dto.messagesPerSecond !== undefined) patch.messagesPerSecond = dto.messagesPerSecond;
    if (dto.messagingLimit !== undefined) patch.messagingLimit = dto.messagingLimit;
    if (dto.templateNamespace !== undefined) {
      if (dto.templateNamespace === null && channel.apiGeneration === 'onpremise') {
        throw new DomainError('invalid', 'templateNamespace cannot be removed from an onpremise channel: On-Premise template messages need it');
      }
      patch.templateNamespace = dto.templateNamespace;
    }
    if (dto.pausedReason !== undefined) patch.pausedReason = dto.pausedReason;
    if (dto.marketingMessagesApi !== undefined) patch.marketingMessagesApi = assertMarketingMessagesFits(channel.apiGeneration, dto.marketingMessagesApi);
    if (dto.marketingMessagesFallback !== undefined) patch.marketingMessagesFallback = dto.marketingMessagesFallback;
    if (dto.partnerChannelId !== undefined) patch.partnerChannelId = dto.partnerChannelId;
    if ((dto.apiKey !== undefined || patch.baseUrl !== undefined) && dto.verifyPhoneNumber !== false) {
      const { id: channelId, apiGeneration, templateNamespace, phoneNumber } = channel;
      const apiKey = dto.apiKey ?? this.storedApiKey(channel);
      await this.phoneNumbers.assertKeyBelongsTo({ channelId, apiGeneration, templateNamespace, apiKey, baseUrl: patch.baseUrl ?? channel.baseUrl }, phoneNumber);
    }
    // A partial UPDATE, so columns the sender changes meanwhile (throttledUntil, pausedReason) are not overwritten.
    await this.repository.edit(id, patch);
    if (patch.apiKeyEncrypted !== undefined || patch.baseUrl !== undefined) this.healthCache.delete(id);
    if (dto.pausedReason !== undefined) {
      this.logger.log(dto.pausedReason === null ? `Channel ${id} resumed` : `Channel ${id} paused: ${dto.pausedReason}`);
    }
    return this.toResponse(await this.requireChannel(id));
  }

  /**
   * Registers the channel's webhook URL with 360dialog. The password is stored only as a hash, so
   * registering means rotating it: the new one is kept only once 360dialog accepted it, and a refusal
   * leaves the previous registration working.
   */
  async registerWebhook(id: string): Promise<WebhookRegistrationResponse> {
    const channel = await this.requireChannel(id);
    const url = webhookUrl(this.config.publicUrl, channel.id);
    const password = randomSecret();
    const result = await this.client.registerWebhook(this.credentialsFor(channel), url, {
      Authorization: basicAuthorization(channel.webhookUsername, password),
    });
    if (!result.ok) {
      const answer = result.httpStatus === null ? 'no answer' : `HTTP ${result.httpStatus}`;
      const code = result.errorCode !== null ? ` (code ${result.errorCode})` : '';
      throw new DomainError('upstream', `360dialog refused the webhook registration: ${answer}${code}: ${result.errorTitle}`, {
        upstream: {
          httpStatus: result.httpStatus,
          errorCode: result.errorCode,
          errorTitle: result.errorTitle,
        },
      });
    }
    const passwordHash = sha256(password).toString('hex');
    await this.repository.recordWebhookRegistration(id, { passwordHash, registeredAt: new Date() });
    this.rememberWebhookCredentials(channel.id, channel.webhookUsername, passwordHash);
    this.logger.log(`Channel ${id}: webhook ${url} registered with 360dialog`);
    return { url, username: channel.webhookUsername, password, upstream: result.body, warnings: webhookUrlWarnings(url, channel.apiGeneration) };
  }

  async health(id: string): Promise<ChannelHealthResponse> {
    const cached = this.healthCache.get(id);
    if (cached && cached.expiresAt > Date.now()) return { ...cached.reading, cached: true };
    const channel = await this.requireChannel(id);
    let pending = this.healthInFlight.get(id);
    if (!pending) {
      pending = this.readHealth(channel).finally(() => this.healthInFlight.delete(id));
      this.healthInFlight.set(id, pending);
    }
    return { ...(await pending), cached: false };
  }

  /**
   * For the webhook receiver: checks `Authorization: Basic …` against the channel's credentials from an
   * in-memory copy (refreshed every 30 s, updated at once by changes made here, reloaded on a miss),
   * comparing in constant time.
   */
  async verifyWebhookCredentials(channelId: string, authorizationHeader: string | undefined | null): Promise<WebhookCredentialsVerdict> {
    if (!isUuid(channelId)) return 'unknown_channel';
    await this.freshWebhookCredentials();
    if (typeof authorizationHeader === 'string' && this.webhookCredentials.get(channelId)?.verified.has(authorizationHeader)) return 'ok';
    const given = parseBasicAuthorization(authorizationHeader);
    let verdict = this.checkWebhookCredentials(channelId, given);
    if (verdict !== 'ok' && performance.now() - this.webhookCredentialsLoadedAt > WEBHOOK_CREDENTIALS_MISS_RELOAD_MS) {
      await this.reloadWebhookCredentials();
      verdict = this.checkWebhookCredentials(channelId, given);
    }
    const entry = this.webhookCredentials.get(channelId);
    if (verdict === 'ok' && typeof authorizationHeader === 'string' && entry && entry.verified.size < 4) entry.verified.add(authorizationHeader);
    return verdict;
  }

  /** The channel with its API key decrypted, for the 360dialog client. Keep it in memory only. */
  credentialsFor(channel: Channel): ChannelCredentials {
    let apiKey: string;
    try {
      apiKey = decryptSecret(channel.apiKeyEncrypted, this.config.encryptionKey);
    } catch {
      throw new ApiKeyUnreadableError(channel.id);
    }
    return {
      channelId: channel.id,
      apiGeneration: channel.apiGeneration,
      baseUrl: channel.baseUrl,
      apiKey,
      templateNamespace: channel.templateNamespace,
    };
  }

  /** The stored key for a check, or a 409 saying to give a new one with the change. */
  private storedApiKey(channel: Channel): string {
    try {
      return this.credentialsFor(channel).apiKey;
    } catch (error) {
      throw error instanceof ApiKeyUnreadableError ? new DomainError('conflict', `${error.message}; give apiKey with baseUrl`) : error;
    }
  }

  /** The channel, or 404. A malformed id is simply not found here (controllers reject it earlier with 400). */
  async requireChannel(id: string): Promise<Channel> {
    const channel = isUuid(id) ? await this.repository.findById(id) : null;
    if (!channel) throw notFound('Channel', id);
    return channel;
  }

  /** Channels that may send (not paused). */
  findActive(): Promise<Channel[]> {
    return this.repository.findActive();
  }

  /** The channel if it exists and is not paused, else null. */
  async findActiveById(id: string): Promise<Channel | null> {
    if (!isUuid(id)) return null;
    return this.repository.findActiveById(id);
  }

  toResponse(channel: Channel): ChannelResponse {
    return channelResponse(channel, this.config.publicUrl);
  }

  /** A baseUrl the engine may call (form and UPSTREAM_ALLOWED_HOSTS), normalised; else 400 naming baseUrl. */
  private allowedBaseUrl(raw: string): string {
    const verdict = this.client.checkBaseUrl(raw.trim());
    if (!verdict.ok) throw new DomainError('invalid', `baseUrl ${verdict.problem}`);
    return normalizeBaseUrl(raw);
  }

  private async readHealth(channel: Channel): Promise<Omit<ChannelHealthResponse, 'cached'>> {
    const result = await this.client.health(this.credentialsFor(channel));
    const reading = {
      channelId: channel.id,
      ok: result.ok,
      status: result.status,
      httpStatus: result.httpStatus,
      // A 2xx answer's health reading only (interpretHealth gives null for an error answer).
      upstream: result.body,
      checkedAt: new Date().toISOString(),
    };
    const ttl = result.httpStatus === null ? HEALTH_UNREACHABLE_CACHE_MS : HEALTH_CACHE_MS;
    this.healthCache.set(channel.id, { expiresAt: Date.now() + ttl, reading });
    return reading;
  }

  private checkWebhookCredentials(channelId: string, given: { username: string; password: string } | null): WebhookCredentialsVerdict {
    const expected = this.webhookCredentials.get(channelId);
    if (!expected) return 'unknown_channel';
    // The one tested comparison (webhook-auth.ts): constant time, and a stored hash that is not 64 hex
    // digits is refused instead of making timingSafeEqual throw (a 500).
    return credentialsMatch(given, expected) ? 'ok' : 'bad_credentials';
  }

  /** Waits only for the very first load; afterwards a stale copy is used while it refreshes in the background. */
  private async freshWebhookCredentials(): Promise<void> {
    const age = performance.now() - this.webhookCredentialsLoadedAt;
    if (age <= WEBHOOK_CREDENTIALS_REFRESH_MS) return;
    if (this.webhookCredentialsLoadedAt === Number.NEGATIVE_INFINITY) {
      await this.reloadWebhookCredentials();
      return;
    }
    void this.reloadWebhookCredentials().catch((error: unknown) => {
      this.logger.error(`Reloading webhook credentials failed: ${errorMessage(error)}`);
    });
  }

  private reloadWebhookCredentials(): Promise<void> {
    this.webhookCredentialsLoading ??= (async () => {
      try {
        const rows = await this.repository.webhookCredentials();
        const next = new Map<string, WebhookCredentialsEntry>();
        for (const row of rows) next.set(row.id, { username: row.webhookUsername, passwordHash: row.webhookPasswordHash, verified: new Set() });
        this.webhookCredentials = next;
        this.webhookCredentialsLoadedAt = performance.now();
      } finally {
        this.webhookCredentialsLoading = null;
      }
    })();
    return this.webhookCredentialsLoading;
  }

  private rememberWebhookCredentials(id: string, username: string, passwordHashHex: string): void {
    this.webhookCredentials.set(id, { username, passwordHash: passwordHashHex, verified: new Set() });
  }
}
