//! Follows: who follows an organisation, and what someone follows.

use ensemble_wire::{FollowState, Followed, Follower};

use super::utc;
use crate::db::follows::{FollowedRow, FollowerRow, State};

impl From<FollowerRow> for Follower {
    fn from(row: FollowerRow) -> Self {
        Follower {
            user_id: row.user_id.to_string(),
            display_name: row.display_name,
            avatar: crate::media::picture(row.avatar.as_deref()),
            since: utc(row.created_at),
        }
    }
}

impl From<FollowedRow> for Followed {
    fn from(row: FollowedRow) -> Self {
        Followed {
            slug: row.slug,
            name: row.name,
            since: utc(row.since),
        }
    }
}

impl From<State> for FollowState {
    fn from(state: State) -> Self {
        FollowState {
            following: state.following,
            followers_count: state.followers_count,
        }
    }
}
