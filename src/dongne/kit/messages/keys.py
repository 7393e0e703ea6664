"""Every message the server shows people, by key. Services raise and notify with these keys
(plus parameters); the transports render them in the reader's language."""

from __future__ import annotations

from enum import StrEnum


class MessageKey(StrEnum):
    # access
    LOGIN_REQUIRED = "login_required"
    AUTHENTICATION_FAILED = "authentication_failed"
    SESSION_EXPIRED = "session_expired"
    WRONG_CREDENTIALS = "wrong_credentials"
    LOG_IN_AGAIN = "log_in_again"
    TOKEN_OF_ANOTHER_USER = "token_of_another_user"
    ADMINS_ONLY = "admins_only"
    USER_NOT_FOUND = "user_not_found"
    EMAIL_TAKEN = "email_taken"
    # requests
    INVALID_INPUT = "invalid_input"
    ONE_PAYLOAD_ONLY = "one_payload_only"
    TOO_MANY_REQUESTS = "too_many_requests"
    INTERNAL_ERROR = "internal_error"
    # questions and answers
    QUESTION_NOT_FOUND = "question_not_found"
    ANSWER_NOT_FOUND = "answer_not_found"
    MESSAGE_NOT_FOUND = "message_not_found"
    TITLE_AND_CONTENT_REQUIRED = "title_and_content_required"
    ANSWER_EMPTY = "answer_empty"
    OUTSIDE_JEJU = "outside_jeju"
    OWN_QUESTION = "own_question"
    QUESTION_CLOSED = "question_closed"
    ONLY_ASKER_ACCEPTS = "only_asker_accepts"
    ALREADY_ACCEPTED = "already_accepted"
    NOT_A_MEMBER = "not_a_member"
    UNKNOWN_REGION = "unknown_region"
    REGION_NOT_FOUND = "region_not_found"
    HASHTAG_EMPTY = "hashtag_empty"
    HASHTAG_TOO_LONG = "hashtag_too_long"
    HASHTAGS_TOO_MANY = "hashtags_too_many"
    SPAM = "spam"
    # images
    IMAGE_NOT_FOUND = "image_not_found"
    IMAGE_ALREADY_ATTACHED = "image_already_attached"
    IMAGE_TYPE = "image_type"
    IMAGE_DAMAGED = "image_damaged"
    IMAGE_TOO_LARGE_MB = "image_too_large_mb"
    IMAGE_TOO_LARGE_BYTES = "image_too_large_bytes"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    FILE_NOT_FOUND = "file_not_found"
    # notifications
    NOTIFICATION_NOT_FOUND = "notification_not_found"
    PUSH_SUBSCRIPTION_INVALID = "push_subscription_invalid"
    PUSH_SUBSCRIPTION_NOT_FOUND = "push_subscription_not_found"
    PUSH_URGENT_TITLE = "push_urgent_title"
    PUSH_NEARBY_TITLE = "push_nearby_title"
    ACCEPTED_TITLE = "accepted_title"
    ACCEPTED_BODY = "accepted_body"
    # moderation
    BLOCK_EXPIRY_PAST = "block_expiry_past"
    BLOCK_NOT_FOUND = "block_not_found"
    CANNOT_BLOCK_SELF = "cannot_block_self"
    # the asker's notifications, request limits (issue [15])
    QUESTION_ANSWERED_TITLE = "question_answered_title"
    QUESTION_ANSWERED_BODY = "question_answered_body"
    STILL_LOOKING_TITLE = "still_looking_title"
    STILL_LOOKING_BODY = "still_looking_body"
    QUESTION_EXPIRED_TITLE = "question_expired_title"
    QUESTION_ENDED_TITLE = "question_ended_title"
    QUESTION_TITLE_QUOTED = "question_title_quoted"
    REQUEST_TOO_LARGE = "request_too_large"
    # the asker manages the question and follows up (issue [16])
    ONLY_ASKER_EDITS = "only_asker_edits"
    ANSWERED_NOT_EDITABLE = "answered_not_editable"
    ONLY_ASKER_FOLLOWS_UP = "only_asker_follows_up"
    MESSAGE_EMPTY = "message_empty"
    # answers from the archive (issue [17])
    ONLY_ASKER = "only_asker"
    ALREADY_SOLVED = "already_solved"
