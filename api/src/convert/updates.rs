//! Updates, their comments, and notifications.

use ensemble_wire::{Comment, Notification, OrganisationRef, PersonRef, Update};

use super::utc;
use crate::db::comments::CommentRow;
use crate::db::notifications;
use crate::db::updates::UpdateRow;
use crate::domain::markdown;

/// An update; `reacted` says whether the reader reacted to it.
pub fn update(row: UpdateRow, reacted: bool) -> Update {
    Update {
        id: row.id.to_string(),
        organisation: OrganisationRef {
            slug: row.slug,
            name: row.name,
            logo: crate::media::picture(row.logo.as_deref()),
            verification_status: row.verification_status.into(),
        },
        body_html: markdown::to_safe_html(&row.body),
        title: row.title,
        body: row.body,
        language: row.language,
        photos: crate::media::photos(&row.photos),
        link_url: row.link_url,
        created_at: utc(row.created_at),
        edited_at: row.edited_at.map(utc),
        reactions_count: row.reactions_count,
        comments_count: row.comments_count,
        comments_locked: row.comments_locked_at.is_some(),
        reacted,
    }
}

/// A comment as `viewer` may read it: a removed one's text for its author alone; one by
/// someone the viewer blocked (in `blocked`), marked to be shown collapsed.
pub fn comment(
    row: CommentRow,
    viewer: Option<i64>,
    blocked: &std::collections::HashSet<i64>,
) -> Comment {
    let hidden_from_viewer = row.hidden_reason.is_some() && viewer != Some(row.author_id);
    let author_blocked = blocked.contains(&row.author_id);
    let mut comment = Comment::from(row);
    if hidden_from_viewer {
        comment.body.clear();
    }
    comment.author_blocked = author_blocked;
    comment
}

impl From<CommentRow> for Comment {
    /// Everything, as its author reads it.
    fn from(row: CommentRow) -> Self {
        Comment {
            appealed: row.appealed_at.is_some(),
            author_blocked: false,
            removed: row.hidden_reason,
            id: row.id.to_string(),
            update_id: row.update_id.to_string(),
            parent_id: row.parent_id.map(|p| p.to_string()),
            author: PersonRef {
                user_id: row.author_id.to_string(),
                display_name: row.author_name,
                avatar: crate::media::picture(row.author_avatar.as_deref()),
            },
            body: row.body,
            created_at: utc(row.created_at),
        }
    }
}

impl From<notifications::Row> for Notification {
    fn from(row: notifications::Row) -> Self {
        Notification {
            id: row.id.to_string(),
            kind: row.kind.into(),
            actor: row.actor.map(|actor| PersonRef {
                user_id: actor.id.to_string(),
                display_name: actor.display_name,
                avatar: crate::media::picture(actor.avatar.as_deref()),
            }),
            organisation: row.organisation.map(Into::into),
            update_id: row.update_id.map(|id| id.to_string()),
            comment_id: row.comment_id.map(|id| id.to_string()),
            role: row.role.map(Into::into),
            created_at: utc(row.created_at),
            read: row.read_at.is_some(),
        }
    }
}
