//! One-click unsubscribe links (RFC 8058): `<user id>.<category>.<signature>`, signed with a
//! key of their own derived from the server's token key, so that a link stops one category
//! for one person and cannot be made for anyone else. They do not expire: a link in an old
//! message must still stop the messages.

use super::signed::LinkKey;
use crate::domain::notifications::Category;

/// What a link stops: a category of messages, or the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Category(Category),
    Digest,
}

impl Topic {
    fn as_str(self) -> &'static str {
        match self {
            Topic::Category(category) => category.as_str(),
            Topic::Digest => "digest",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "digest" => Some(Topic::Digest),
            other => Category::parse(other).map(Topic::Category),
        }
    }
}

/// The key unsubscribe links are signed with.
#[derive(Clone)]
pub struct UnsubscribeKey(LinkKey);

impl UnsubscribeKey {
    /// Derived from the server's token key (domain-separated, so neither signature can pass
    /// for the other).
    pub fn derive(token_key: &[u8]) -> Self {
        UnsubscribeKey(LinkKey::derive(token_key, b"ensemble unsubscribe v1"))
    }

    pub fn sign(&self, user_id: i64, topic: Topic) -> String {
        self.0.sign(&format!("{user_id}.{}", topic.as_str()))
    }

    /// The person and topic a link stops, if its signature holds.
    pub fn verify(&self, token: &str) -> Option<(i64, Topic)> {
        let (user_id, topic) = self.0.verify(token)?.split_once('.')?;
        Some((user_id.parse().ok()?, Topic::parse(topic)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_stops_what_it_was_made_for_and_nothing_else() {
        let key = UnsubscribeKey::derive(b"a key of the server");
        let token = key.sign(42, Topic::Category(Category::Replies));
        assert_eq!(
            key.verify(&token),
            Some((42, Topic::Category(Category::Replies)))
        );
        let digest = key.sign(42, Topic::Digest);
        assert_eq!(key.verify(&digest), Some((42, Topic::Digest)));
        let (payload, signature) = token.rsplit_once('.').unwrap();
        for forged in [
            token.replace("42.", "43."),
            token.replace("replies", "comments"),
            format!("{payload}.{}", "0".repeat(signature.len())),
            "42.replies".to_owned(),
            String::new(),
        ] {
            assert_eq!(key.verify(&forged), None, "{forged}");
        }
        let other = UnsubscribeKey::derive(b"another server");
        assert_eq!(other.verify(&token), None);
    }
}
