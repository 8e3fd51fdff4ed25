//! `application/x-www-form-urlencoded`, as Twilio's API and its webhooks speak it.

/// Encodes pairs, in order.
pub fn encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key.as_ref(), value.as_ref());
    }
    serializer.finish()
}

/// Decodes a body into pairs, in order.
pub fn parse(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of `key`.
pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn pairs_round_trip() {
        let pairs = [("To", "+15551230000"), ("Body", "Hi & bye=1")];
        let text = super::encode(&pairs);
        assert_eq!(text, "To=%2B15551230000&Body=Hi+%26+bye%3D1");
        let back = super::parse(text.as_bytes());
        assert_eq!(super::get(&back, "Body"), Some("Hi & bye=1"));
    }
}
