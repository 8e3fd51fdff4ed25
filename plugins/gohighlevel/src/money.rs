//! Money between the port and GoHighLevel: the port counts integer minor units (1050 is 10.50
//! USD), GoHighLevel's `monetaryValue` is a decimal amount in the sub-account's currency.

use serde_json::{Number, Value};

/// Currencies with no minor unit (ISO 4217 exponent 0).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf", "ugx", "uyi", "vnd", "vuv", "xaf",
    "xof", "xpf",
];

/// Currencies with three decimals.
const THREE_DECIMAL: &[&str] = &["bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"];

/// How many decimals `currency` (ISO 4217, any case) has.
pub fn exponent(currency: &str) -> u32 {
    let currency = currency.to_ascii_lowercase();
    if ZERO_DECIMAL.contains(&currency.as_str()) {
        0
    } else if THREE_DECIMAL.contains(&currency.as_str()) {
        3
    } else {
        2
    }
}

/// The decimal amount GoHighLevel takes for `amount_minor` (a whole number stays one).
pub fn to_decimal(amount_minor: i64, currency: &str) -> Value {
    let scale = 10_i64.pow(exponent(currency));
    if amount_minor % scale == 0 {
        return Value::from(amount_minor / scale);
    }
    Number::from_f64(amount_minor as f64 / scale as f64).map(Value::Number).unwrap_or(Value::Null)
}

/// The minor units of a decimal amount from GoHighLevel, rounded to the nearest unit.
pub fn to_minor(amount: f64, currency: &str) -> i64 {
    let scale = 10_f64.powi(exponent(currency) as i32);
    (amount * scale).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_become_decimal_amounts() {
        assert_eq!(to_decimal(1050, "usd").to_string(), "10.5");
        assert_eq!(to_decimal(1234, "USD").to_string(), "12.34");
        assert_eq!(to_decimal(22000, "usd").to_string(), "220");
        assert_eq!(to_decimal(-5, "eur").to_string(), "-0.05");
        assert_eq!(to_decimal(500, "jpy").to_string(), "500");
        assert_eq!(to_decimal(1500, "kwd").to_string(), "1.5");
    }

    #[test]
    fn decimal_amounts_become_minor_units() {
        assert_eq!(to_minor(12.34, "usd"), 1234);
        assert_eq!(to_minor(0.29, "usd"), 29);
        assert_eq!(to_minor(220.0, "usd"), 22000);
        assert_eq!(to_minor(500.0, "jpy"), 500);
        assert_eq!(to_minor(1.005, "kwd"), 1005);
    }
}
