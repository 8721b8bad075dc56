//! What a person can be notified of.

crate::text_enum! {
    /// The kinds of notification.
    pub enum Kind {
        /// Someone replied to your comment.
        CommentReply = "comment_reply",
        /// Someone commented on an update of an organisation whose team you are in.
        UpdateComment = "update_comment",
        /// You were given a role in an organisation's team.
        RoleGranted = "role_granted",
        /// You are invited to join an organisation's team.
        Invitation = "invitation",
        /// Your organisation went back to review: the identity that was verified changed.
        VerificationChanged = "verification_changed",
        /// The platform verified your organisation.
        VerificationApproved = "verification_approved",
        /// The platform could not verify your organisation.
        VerificationRejected = "verification_rejected",
        /// The moderators acted on something you reported.
        ReportUpheld = "report_upheld",
        /// The moderators looked at something you reported and left it as it was.
        ReportDismissed = "report_dismissed",
    }
}

crate::text_enum! {
    /// What a message by mail is about, as a person chooses how to receive it.
    pub enum Category {
        /// Replies to one's comments.
        Replies = "replies",
        /// Comments on the updates of one's organisations.
        Comments = "comments",
        /// Invitations to a team, and roles given.
        Invitations = "invitations",
        /// Receipts of one's gifts.
        Receipts = "receipts",
        /// A monthly or yearly gift charged, or failing.
        Recurring = "recurring",
        /// Verification news of one's organisations (for their owners).
        Verification = "verification",
        /// What came of one's reports to the moderators.
        Reports = "reports",
    }
}

crate::text_enum! {
    /// How a category of messages reaches a person.
    pub enum Delivery {
        /// A message of its own, at once.
        Immediately = "immediately",
        /// A line in the next digest.
        Digest = "digest",
        Never = "never",
    }
}

crate::text_enum! {
    /// How often the digest of followed organisations' news comes.
    pub enum DigestFrequency {
        Daily = "daily",
        Weekly = "weekly",
        Never = "never",
    }
}

impl Category {
    /// How a category reaches someone who has not chosen: what concerns them personally at
    /// once, comments on their organisations' updates in the digest.
    pub fn default_delivery(self) -> Delivery {
        match self {
            Category::Comments => Delivery::Digest,
            Category::Replies
            | Category::Invitations
            | Category::Receipts
            | Category::Recurring
            | Category::Verification
            | Category::Reports => Delivery::Immediately,
        }
    }
}

impl Kind {
    /// The category of mail a notification of this kind belongs to.
    pub fn category(self) -> Category {
        match self {
            Kind::CommentReply => Category::Replies,
            Kind::UpdateComment => Category::Comments,
            Kind::RoleGranted | Kind::Invitation => Category::Invitations,
            Kind::VerificationChanged | Kind::VerificationApproved | Kind::VerificationRejected => {
                Category::Verification
            }
            Kind::ReportUpheld | Kind::ReportDismissed => Category::Reports,
        }
    }
}

/// Changes to what a person receives by mail, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailChanges {
    pub categories: Vec<(Category, Delivery)>,
    pub digest: Option<DigestFrequency>,
    /// A valid IANA time zone.
    pub time_zone: Option<String>,
}

impl TryFrom<ensemble_wire::email::UpdateMailPreferences> for MailChanges {
    type Error = Vec<ensemble_wire::FieldError>;

    fn try_from(body: ensemble_wire::email::UpdateMailPreferences) -> Result<Self, Self::Error> {
        let time_zone = match body.time_zone {
            None => None,
            Some(zone) => match zone.trim().parse::<chrono_tz::Tz>() {
                Ok(tz) => Some(tz.name().to_owned()),
                Err(_) => {
                    return Err(vec![super::text::field_error(
                        "time_zone",
                        ensemble_wire::Code::InvalidValue,
                        "not a time zone: use a name such as Europe/Paris",
                    )]);
                }
            },
        };
        if body.categories.len() > Category::ALL.len() {
            return Err(vec![super::text::field_error(
                "categories",
                ensemble_wire::Code::TooMany,
                "at most one choice per category",
            )]);
        }
        Ok(MailChanges {
            categories: body
                .categories
                .into_iter()
                .map(|choice| (choice.category.into(), choice.delivery.into()))
                .collect(),
            digest: body.digest.map(Into::into),
            time_zone,
        })
    }
}
