// The admin side of the wire contract (PROTOCOL.md; src/dongne/monitoring, moderation, users).

export type StatsWindow = "1h" | "24h" | "7d";

export interface Figures {
  questions: number;
  answered: number;
  /** Shares 0..1; null while no question counts yet. */
  within1m: number | null;
  within5m: number | null;
  within10m: number | null;
  averageSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface RegionFigures extends Figures {
  code: string;
  nameKo: string;
  nameEn: string;
}

export interface Stats {
  window: StatsWindow;
  generatedAt: string;
  overall: Figures;
  urgent: Figures;
  regions: RegionFigures[];
  /** [17] Solved by an earlier answer: in the room (archive) or before asking (deflections). */
  deflections?: number;
  archiveAnswers?: number;
  withArchive?: Figures | null;
}

/** What routing costs the locals over the window (`burden` of GET /api/admin/stats). */
export interface Burden {
  locals: number;
  perLocalPerDayMedian: number;
  perLocalPerDayP95: number;
  onDutyLocals: number;
  onDutyPerDayMedian: number | null;
  onDutyPerDayP95: number | null;
  perQuestion: number | null;
  answeredByFirstRound: number | null;
  alertsOff: number;
}

export interface AdminStats extends Stats {
  burden: Burden;
}

export interface WaitingQuestion {
  id: string;
  title: string;
  regionCode: string;
  urgency: "normal" | "urgent";
  waitedSeconds: number;
}

export interface WaitingQuestions {
  generatedAt: string;
  questions: WaitingQuestion[];
}

export interface MetricsUpdate {
  connectedSockets: number;
  connectedUsers: number;
  eventsPerSecond: number;
  errorsPerSecond: number;
  stats: Stats;
  waiting: WaitingQuestion[];
}

export interface SlowResponseAlert {
  questionId: string;
  waitedMinutes: number;
  regionCode: string;
  urgency: "normal" | "urgent";
}

export type AreaKind = "hotspot" | "region";

export interface HotspotUpdate {
  kind: AreaKind;
  code: string;
  /** Korean, as PROTOCOL.md has it; the server may add the English name. */
  name: string;
  nameEn?: string;
  questionsLast15m: number;
  onlineLocals: number;
  onlineTravelers: number;
  hot: boolean;
}

export interface LocalsNeeded {
  kind: AreaKind;
  code: string;
  name: string;
  nameEn?: string;
  questionsLast15m: number;
  onlineLocals: number;
}

export interface IpBlock {
  id: string;
  cidr: string;
  reason: string;
  createdAt: string;
  expiresAt: string | null;
}

/** GET /api/admin/reports: what people reported, newest first. */
export interface ReportItem {
  id: string;
  reporterId: string;
  targetType: "question" | "answer" | "user";
  targetId: string;
  reason: string;
  createdAt: string;
  /** What the reported thing says (a title, an answer, a nickname); null once it is gone. */
  excerpt: string | null;
  /** The question a reported question or answer belongs to. */
  questionId: string | null;
}

export type { LocalApplication } from "../types";
