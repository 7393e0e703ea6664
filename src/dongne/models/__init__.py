"""SQLAlchemy tables, one module per table group; importing this registers them all."""

from dongne.models.base import Base
from dongne.models.conversation import FollowUp, ReadMarker
from dongne.models.escalation import QuestionNotified, QuestionRouting
from dongne.models.events import EventPayload, Notification, UserEvent, UserEventCounter
from dongne.models.jobs import Job
from dongne.models.moderation import IpBlock, Report, UserBlock
from dongne.models.points import PointsEntry
from dongne.models.presence import IslandDay, LivePosition
from dongne.models.push import PushSubscription, SentDelivery
from dongne.models.questions import Answer, Hashtag, Image, Question, QuestionHashtag, RoomMember
from dongne.models.settings import UserInterest, UserSettings
from dongne.models.similar import Deflection
from dongne.models.users import LocalApplication, PasswordReset, RefreshToken, User

__all__ = [
    "Answer",
    "Base",
    "Deflection",
    "EventPayload",
    "FollowUp",
    "Hashtag",
    "Image",
    "IpBlock",
    "IslandDay",
    "Job",
    "LivePosition",
    "LocalApplication",
    "Notification",
    "PasswordReset",
    "PointsEntry",
    "PushSubscription",
    "Question",
    "QuestionHashtag",
    "QuestionNotified",
    "QuestionRouting",
    "ReadMarker",
    "RefreshToken",
    "Report",
    "RoomMember",
    "SentDelivery",
    "User",
    "UserBlock",
    "UserEvent",
    "UserEventCounter",
    "UserInterest",
    "UserSettings",
]
