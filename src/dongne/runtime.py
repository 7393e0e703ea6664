"""The running service's parts, built once by app.py and handed to every transport."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from dongne.config import Settings
from dongne.conversation.followups import FollowUpService
from dongne.conversation.live import PresenceService, TypingService
from dongne.conversation.service import ReadStateService
from dongne.escalation.routing import RouterConfig
from dongne.escalation.service import EscalationPlanner, EscalationService
from dongne.eventlog.service import EventLogService
from dongne.infra.broadcast import RedisBroadcast
from dongne.infra.cache.base import Cache
from dongne.infra.cache.memory import MemoryCache
from dongne.infra.cache.observed import ObservedCache
from dongne.infra.cache.redis import RedisCache
from dongne.infra.concentration.base import ConcentrationStore
from dongne.infra.concentration.memory import MemoryConcentrationStore
from dongne.infra.concentration.redis import RedisConcentrationStore
from dongne.infra.presence.base import PresenceIndex
from dongne.infra.presence.cluster import ClusterSockets
from dongne.infra.presence.memory import MemoryPresenceIndex
from dongne.infra.presence.redis import RedisPresenceIndex
from dongne.infra.ratelimit import MemoryRateLimiter, RateLimiter, SharedRateLimiter
from dongne.infra.redis import (
    JOBS_CHANNEL,
    FallbackRateLimiter,
    JobWakeups,
    connect_redis,
    redis_answers,
    scoped_channel,
)
from dongne.infra.senders.registry import ChannelSenders, build_senders
from dongne.infra.storage import LocalDiskStorage
from dongne.jobs.service import JobQueue
from dongne.kit.background import BackgroundTasks
from dongne.kit.clock import Clock
from dongne.kit.db import Database, PoolSize
from dongne.kit.events import Events, EventSink
from dongne.kit.net import Network, parse_networks
from dongne.kit.passwords import Passwords, default_concurrency
from dongne.kit.tokens import AccessTokens
from dongne.locations.live import LivePositions
from dongne.locations.service import LocationsService
from dongne.media.service import MediaService
from dongne.moderation.service import BlocklistService, SafetyService
from dongne.monitoring.live import DashboardFeed
from dongne.monitoring.service import MonitoringService, SlowAnswerWatch
from dongne.notifications.delivery import DeliveryService
from dongne.notifications.service import NotificationsService
from dongne.points.service import PointsService
from dongne.questions.manage import QuestionManager
from dongne.questions.nearby_index import NearbyIndex
from dongne.questions.service import QuestionsService
from dongne.questions.views import NEARBY_DEFAULT_SINCE as NEARBY_HORIZON
from dongne.realtime.sessions import SocketSessions
from dongne.regions.policy import HotRule, RegionMap, default_region_map
from dongne.regions.service import HotspotService
from dongne.settings.service import SettingsService
from dongne.similar.service import SimilarService
from dongne.trust.service import TrustService
from dongne.users.applications import LocalApplications
from dongne.users.limits import AuthLimits, AuthLimitSettings
from dongne.users.password_reset import PasswordResets
from dongne.users.service import UsersService

MEDIA_FOLDER = "media"
# Blobs no URL serves (document photos of local applications): beside, not under, media.
PRIVATE_FOLDER = "private"
SIMILAR_CHANNEL = "dongne-similar"


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    events: Events
    sockets: SocketSessions
    regions: RegionMap
    users: UsersService
    media: MediaService
    notifications: NotificationsService
    questions: QuestionsService
    settings_service: SettingsService
    presence: PresenceIndex
    concentration: ConcentrationStore
    jobs: JobQueue
    escalation: EscalationService
    locations: LocationsService
    live_positions: LivePositions
    hotspots: HotspotService
    event_log: EventLogService
    read_state: ReadStateService
    follow_ups: FollowUpService
    question_manager: QuestionManager
    local_applications: LocalApplications
    password_resets: PasswordResets
    typing: TypingService
    presence_events: PresenceService
    background: BackgroundTasks
    senders: ChannelSenders
    delivery: DeliveryService
    rate_limiter: RateLimiter
    cache: Cache
    monitoring: MonitoringService
    dashboard: DashboardFeed
    blocklist: BlocklistService
    safety: SafetyService
    trust: TrustService
    trusted_proxies: list[Network]
    similar: SimilarService
    # name -> probe; /ready is ready when every probe answers True.
    readiness_checks: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Scaled mode: job wake-ups between nodes over Redis pub/sub (app.py starts listening).
    wakeups: JobWakeups | None = None
    # Scaled mode: users' open sockets per node, so "offline" is decided cluster-wide.
    cluster_sockets: ClusterSockets | None = None

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()


def build_runtime(settings: Settings, clock: Clock, sink: EventSink) -> Runtime:
    passwords = Passwords(
        memory_kib=settings.password_hash_memory_kib,
        concurrency=settings.password_hash_concurrency or default_concurrency(),
    )
    access_tokens = AccessTokens(
        settings.resolved_jwt_secret(), timedelta(seconds=settings.access_token_ttl_s)
    )
    pool = PoolSize(settings.db_pool_size, settings.db_pool_overflow, settings.db_pool_timeout_s)
    db = Database(settings.resolved_database_url, pool=pool)
    checks: dict[str, Callable[[], Awaitable[bool]]] = {"database": db.ping}
    closers: list[Callable[[], Awaitable[None]]] = [db.dispose, passwords.aclose]
    presence: PresenceIndex
    concentration: ConcentrationStore
    rate_limiter: RateLimiter
    cache: Cache
    wakeups: JobWakeups | None = None
    similar_feed: RedisBroadcast | None = None
    cluster_sockets: ClusterSockets | None = None
    if settings.redis_url:
        redis = connect_redis(settings.redis_url)
        checks["redis"] = lambda: redis_answers(redis)
        closers.append(redis.aclose)
        # Wall-clock seconds: the last-seen set is shared by nodes whose monotonic clocks differ.
        presence = RedisPresenceIndex(redis, now=lambda: clock.now().timestamp())
        cluster_sockets = ClusterSockets(redis, now=lambda: clock.now().timestamp())
        closers.append(cluster_sockets.stop)
        concentration = RedisConcentrationStore(redis)
        # Shared limits; counted in this process while Redis does not answer.
        rate_limiter = FallbackRateLimiter(
            SharedRateLimiter(settings.redis_url), MemoryRateLimiter(clock.monotonic)
        )
        # Shared, so a write on one node is seen by reads on all; misses while Redis is away.
        cache = RedisCache(redis, monotonic=clock.monotonic)
        wakeups = JobWakeups(redis, scoped_channel(JOBS_CHANNEL, settings.redis_url))
        closers.append(wakeups.close)
        similar_feed = RedisBroadcast(redis, scoped_channel(SIMILAR_CHANNEL, settings.redis_url))
    else:
        presence = MemoryPresenceIndex(now=clock.monotonic)
        concentration = MemoryConcentrationStore()
        rate_limiter = MemoryRateLimiter(clock.monotonic)
        cache = MemoryCache(now=clock.monotonic)

    events = Events(sink)
    sockets = SocketSessions()
    regions = default_region_map()
    event_log = EventLogService(clock, events)
    auth_limits = AuthLimits(
        rate_limiter,
        AuthLimitSettings(
            register_per_ip=settings.rate_register,
            failed_logins_per_account=settings.rate_login_failures_account,
            failed_logins_per_ip=settings.rate_login_failures_ip,
        ),
    )
    users = UsersService(
        clock,
        passwords,
        access_tokens,
        timedelta(seconds=settings.refresh_token_ttl_s),
        cache,
        limits=auth_limits,
    )
    media = MediaService(
        clock,
        LocalDiskStorage(settings.data_dir / MEDIA_FOLDER),
        LocalDiskStorage(settings.data_dir / PRIVATE_FOLDER, base_url=""),
    )
    settings_service = SettingsService(regions, cache)
    jobs = JobQueue(db, clock, lease=timedelta(seconds=settings.jobs_lease_s))
    if wakeups is not None:
        jobs.on_enqueue(wakeups.notify)
    senders = build_senders(settings, clock)
    closers.append(senders.aclose)
    notifications = NotificationsService(
        clock=clock,
        users=users,
        event_log=event_log,
        settings=settings_service,
        jobs=jobs,
        configured_channels=senders.configured(),
        is_online=sockets.is_online,
    )
    safety = SafetyService(clock)
    # [17] follows every change of a question through its page's after-commit invalidation.
    question_cache = ObservedCache(cache)
    questions = QuestionsService(
        clock=clock,
        regions=regions,
        event_log=event_log,
        users=users,
        media=media,
        points=PointsService(clock, users),
        notifications=notifications,
        follow_ups=[EscalationPlanner(jobs, routing=settings.routing), SlowAnswerWatch(jobs)],
        safety=safety,
        is_online=sockets.is_online,
        cache=question_cache,
        # One process sees every ask; nodes of the scaled mode read the database instead.
        nearby_index=None if settings.redis_url else NearbyIndex(NEARBY_HORIZON),
    )
    similar = SimilarService(
        clock=clock, db=db, regions=regions, questions=questions, broadcast=similar_feed
    )
    question_cache.listen(similar.questions_changed)
    closers.append(similar.close)
    escalation = EscalationService(
        clock=clock,
        presence=presence,
        questions=questions,
        users=users,
        settings=settings_service,
        event_log=event_log,
        notifications=notifications,
        safety=safety,
        fatigue_cap=settings.fatigue_cap,
        router_config=RouterConfig(fatigue_cap=settings.fatigue_cap, daily_cap=settings.daily_cap),
        jobs=jobs,
        events=events,
    )
    background = BackgroundTasks()
    closers.append(background.cancel_all)
    typing = TypingService(
        clock=clock,
        db=db,
        events=events,
        rooms=questions.rooms,
        users=users,
        background=background,
        auto_stop_s=settings.typing_auto_stop_s,
        throttle_s=settings.typing_throttle_s,
        expire_s=settings.typing_expire_s,
    )
    presence_events = PresenceService(
        clock=clock,
        db=db,
        events=events,
        rooms=questions.rooms,
        background=background,
        is_online=sockets.is_online,
        offline_debounce_s=settings.presence_debounce_s,
    )
    monitoring = MonitoringService(
        clock=clock,
        questions=questions,
        regions=regions,
        events=events,
        jobs=jobs,
        notifications=notifications,
        cache=cache,
        archive=similar,
    )
    hotspots = HotspotService(
        clock=clock,
        regions=regions,
        store=concentration,
        questions=questions,
        events=events,
        is_online=sockets.is_online,
        rule=HotRule(min_questions=settings.hotspot_min_questions, ratio=settings.hotspot_ratio),
        radius_m=settings.hotspot_radius_m,
        locals_needed_below=settings.hotspot_locals_needed_below,
        usual_span=timedelta(days=settings.hotspot_usual_days),
    )
    follow_ups = FollowUpService(
        clock=clock, views=questions, rooms=questions.rooms, users=users, event_log=event_log
    )
    live_positions = LivePositions(
        clock=clock,
        db=db,
        presence=presence,
        is_online=sockets.is_online,
        on_island=lambda lat, lng: regions.locate(lat, lng) is not None,
    )
    # Closed before the database (closers run in reverse): the last positions are written.
    closers.append(live_positions.stop)
    return Runtime(
        settings=settings,
        clock=clock,
        db=db,
        events=events,
        sockets=sockets,
        regions=regions,
        users=users,
        media=media,
        notifications=notifications,
        questions=questions,
        settings_service=settings_service,
        presence=presence,
        concentration=concentration,
        jobs=jobs,
        escalation=escalation,
        locations=LocationsService(clock, presence, questions, hotspots, live=live_positions),
        live_positions=live_positions,
        hotspots=hotspots,
        event_log=event_log,
        read_state=ReadStateService(questions.rooms, questions, events, follow_ups),
        follow_ups=follow_ups,
        question_manager=QuestionManager(
            clock=clock,
            views=questions,
            events=events,
            event_log=event_log,
            notifications=notifications,
        ),
        password_resets=PasswordResets(clock=clock, users=users, passwords=passwords),
        local_applications=LocalApplications(
            clock=clock, users=users, notifications=notifications, media=media
        ),
        typing=typing,
        presence_events=presence_events,
        background=background,
        senders=senders,
        delivery=DeliveryService(db, senders, users, clock, webhook_url=settings.alert_webhook_url),
        rate_limiter=rate_limiter,
        cache=cache,
        monitoring=monitoring,
        dashboard=DashboardFeed(
            db,
            events,
            monitoring,
            sockets,
            totals=(lambda: cluster_sockets.totals) if cluster_sockets is not None else None,
        ),
        blocklist=BlocklistService(db, clock),
        safety=safety,
        trust=TrustService(users, cache),
        trusted_proxies=parse_networks(settings.trusted_proxies),
        similar=similar,
        readiness_checks=checks,
        closers=closers,
        wakeups=wakeups,
        cluster_sockets=cluster_sockets,
    )
