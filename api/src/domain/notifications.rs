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
    }
}
