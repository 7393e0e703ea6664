"""SQLAlchemy tables, one module per table group; importing this registers them all."""

from dongne.models.base import Base
from dongne.models.conversation import ReadMarker
from dongne.models.escalation import QuestionNotified, QuestionRouting
from dongne.models.events import Notification, UserEvent, UserEventCounter
from dongne.models.jobs import Job
from dongne.models.moderation import IpBlock, Report, UserBlock
from dongne.models.points import PointsEntry
from dongne.models.push import PushSubscription
from dongne.models.questions import Answer, Hashtag, Image, Question, QuestionHashtag, RoomMember
from dongne.models.settings import UserInterest, UserSettings
from dongne.models.users import RefreshToken, User

__all__ = [
    "Answer",
    "Base",
    "Hashtag",
    "Image",
    "IpBlock",
    "Job",
    "Notification",
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
    "User",
    "UserBlock",
    "UserEvent",
    "UserEventCounter",
    "UserInterest",
    "UserSettings",
]
