import type { Config } from '../config.js';
import type { AccessTokens } from './auth/tokens.js';
import type { JoinCodes } from './join-codes.js';
import type { PageTokens } from './page-tokens.js';
import type {
  AdmissionRepository,
  AnalyticsRepository,
  BlobStore,
  Clock,
  DueWorkRepository,
  ImageCodec,
  InvitationRepository,
  JoinLinkRepository,
  JoinRequestRepository,
  NotificationQueue,
  NotificationRepository,
  RateCounterRepository,
  RefreshTokenRepository,
  RestaurantRepository,
  SmsSender,
  StatusLinkRepository,
  UserRepository,
  WaiteeRepository,
} from './ports.js';

/**
 * Every port, built once per host by its composition root (src/composition for Azure and the local
 * stack). Use cases take the members they use (`Pick<Services, ...>`), so each signature says what
 * it touches, and a test can hand one a different clock or gateway.
 */
export interface Services {
  readonly config: Config;
  readonly users: UserRepository;
  readonly restaurants: RestaurantRepository;
  readonly invitations: InvitationRepository;
  readonly waitees: WaiteeRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly statusLinks: StatusLinkRepository;
  readonly notifications: NotificationRepository;
  readonly dueWork: DueWorkRepository;
  readonly admissions: AdmissionRepository;
  readonly analytics: AnalyticsRepository;
  readonly joinLinks: JoinLinkRepository;
  readonly joinRequests: JoinRequestRepository;
  readonly rateCounters: RateCounterRepository;
  /** Derives and checks the one-time codes of account-less joins. */
  readonly joinCodes: JoinCodes;
  readonly accessTokens: AccessTokens;
  /** Wraps and checks the continuation tokens clients page the line with. */
  readonly pageTokens: PageTokens;
  /** Opened on first use: requests that send nothing never connect to Service Bus or ACS. */
  readonly notificationQueue: () => NotificationQueue;
  readonly sms: () => SmsSender;
  /** Loaded on first use (the storage SDK, sharp and file-type): requests without pictures never import them. */
  readonly blobs: () => Promise<BlobStore>;
  readonly imageCodec: () => Promise<ImageCodec>;
  readonly now: Clock;
  /** Closes the connections the services opened (the local host calls it on shutdown). */
  readonly close: () => Promise<void>;
}

/** How a function reaches the services: the host decides when they are built (Azure: on first use). */
export type ServicesProvider = () => Promise<Services>;
