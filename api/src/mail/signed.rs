//! Links the server signs: `<payload>.<signature>`, an HMAC-SHA256 with a key derived from
//! the server's token key for one purpose only (so that no link passes for another kind).
//! What a link may do once checked is its holder's to decide: one-click unsubscribe
//! (`unsubscribe`), or an invitation to a team sent to an address (`InvitationKey`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A key for one kind of link.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

impl LinkKey {
    /// Derived from the server's token key, separated by `purpose`.
    pub fn derive(token_key: &[u8], purpose: &[u8]) -> Self {
        LinkKey(mac(token_key, purpose))
    }

    /// `payload` with its signature.
    pub fn sign(&self, payload: &str) -> String {
        format!(
            "{payload}.{}",
            hex::encode(mac(&self.0, payload.as_bytes()))
        )
    }

    /// The payload of `token`, if its signature holds.
    pub fn verify<'a>(&self, token: &'a str) -> Option<&'a str> {
        let (payload, signature) = token.trim().rsplit_once('.')?;
        let signature = hex::decode(signature).ok()?;
        let mut check = Hmac::<Sha256>::new_from_slice(&self.0).ok()?;
        check.update(payload.as_bytes());
        check.verify_slice(&signature).ok()?;
        Some(payload)
    }
}

fn mac(key: &[u8], message: &[u8]) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length.
        Err(_) => Vec::new(),
    }
}

/// The link an invitation sent to an address carries: `<invitation id>.<signature>`. Only
/// the mail sent to the address holds it (the team sees the invitation's id, never its
/// link), so whoever follows it has read that mail. It lives as long as the invitation
/// waits: answered, withdrawn or lapsed, the link shows what became of it and does nothing.
#[derive(Clone)]
pub struct InvitationKey(LinkKey);

impl InvitationKey {
    pub fn derive(token_key: &[u8]) -> Self {
        InvitationKey(LinkKey::derive(token_key, b"ensemble invitation v1"))
    }

    pub fn sign(&self, invitation_id: &str) -> String {
        self.0.sign(invitation_id)
    }

    /// The invitation's id, if the link is one the server made.
    pub fn verify(&self, token: &str) -> Option<String> {
        self.0.verify(token).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_link_opens_its_invitation_and_no_other() {
        let key = InvitationKey::derive(b"a key of the server");
        let id = "0123456789abcdef0123456789abcdef";
        let token = key.sign(id);
        assert_eq!(key.verify(&token).as_deref(), Some(id));
        let (_, signature) = token.rsplit_once('.').unwrap();
        for forged in [
            token.replacen('0', "1", 1),
            format!("{id}.{}", "0".repeat(signature.len())),
            id.to_owned(),
            String::new(),
        ] {
            assert_eq!(key.verify(&forged), None, "{forged}");
        }
        assert_eq!(
            InvitationKey::derive(b"another server").verify(&token),
            None
        );
        // A link of another kind, signed with the same server key, opens nothing here.
        let unsubscribe = LinkKey::derive(b"a key of the server", b"ensemble unsubscribe v1");
        assert_eq!(key.verify(&unsubscribe.sign(id)), None);
    }
}
