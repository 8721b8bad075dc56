//! Who is asking: the client's address, through the proxies this server was told to trust
//! (`ENSEMBLE_TRUSTED_PROXIES`). `X-Forwarded-For` is read from the right, the hop the
//! nearest proxy wrote, skipping trusted proxies: the first address no trusted proxy owns
//! is the client. Whatever a client writes on the left of the header is never believed.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use ipnet::IpNet;

use crate::error::ApiError;

/// The networks of the reverse proxies in front of this server.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses CIDRs (`10.0.0.0/8`) or single addresses (`127.0.0.1`).
    pub fn parse(items: &[String]) -> anyhow::Result<Self> {
        items
            .iter()
            .map(|item| item.trim())
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "ENSEMBLE_TRUSTED_PROXIES: {item:?} is neither a network (10.0.0.0/8) nor an address"
                        )
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client of a request that came from `peer` carrying these `X-Forwarded-For`
    /// values (in order).
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rev()
        {
            match hop.parse::<IpAddr>().map(canonical) {
                Ok(address) if self.trusts(address) => client = address,
                Ok(address) => return address,
                // Unreadable: nothing further left can be believed either.
                Err(_) => return client,
            }
        }
        client
    }
}

/// IPv4 addresses written as IPv6 (`::ffff:1.2.3.4`) are the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address, as an extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    pub fn of(req: &HttpRequest) -> Option<Self> {
        let peer = req.peer_addr()?.ip();
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        let trusted = req.app_data::<Data<TrustedProxies>>();
        Some(Self(match trusted {
            Some(trusted) => trusted.client(peer, &forwarded),
            None => canonical(peer),
        }))
    }
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            Self::of(req).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("a request without a peer address"))
            }),
        )
    }
}

/// What a rate limit counts the client as: its IPv4 address, or its IPv6 /64 network
/// (one subscriber's allocation: counting single IPv6 addresses would let anyone take a
/// fresh one for every attempt).
impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => v4.fmt(f),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                write!(f, "{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(items: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        // The client wrote its own "1.2.3.4" on the left: ignored.
        assert_eq!(
            trusted.client(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.7, 10.0.0.5"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &["1.2.3.4", "198.51.100.7"]),
            ip("198.51.100.7"),
            "several headers read as one list"
        );
        assert_eq!(
            trusted.client(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9"),
            "a peer that is not a trusted proxy is the client, whatever it says"
        );
        assert_eq!(
            trusted.client(ip("10.0.0.2"), &["junk, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            trusted.client(ip("10.0.0.2"), &["198.51.100.7, junk"]),
            ip("10.0.0.2"),
            "past an unreadable hop nothing is believed"
        );
        assert_eq!(trusted.client(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
        assert_eq!(
            trusted.client(ip("::ffff:10.0.0.2"), &["198.51.100.7"]),
            ip("198.51.100.7"),
            "IPv4-mapped IPv6 peers are their IPv4 address"
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        let a = ClientIp(ip("2001:db8:1:2:aaaa::1")).to_string();
        let b = ClientIp(ip("2001:db8:1:2:bbbb::9")).to_string();
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(ClientIp(ip("192.0.2.1")).to_string(), "192.0.2.1");
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TrustedProxies::parse(&["proxy.example".into()]).is_err());
        assert!(TrustedProxies::parse(&["".into(), " 192.168.0.0/16 ".into()]).is_ok());
    }
}
