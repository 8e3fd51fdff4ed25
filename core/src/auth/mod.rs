//! How callers prove who they are: passwords, signed access tokens, rotating refresh tokens, API
//! keys and external OpenID Connect tokens, and the throttle on failed logins.

pub mod api_key;
pub mod oidc;
pub mod password;
pub mod secret;
pub mod throttle;
pub mod token;
