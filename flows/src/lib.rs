//! The YAML flow language (parse, validate, expressions, JSON Schema). It arrives with the flow
//! engine work; the crate exists now so the dependency direction `ports <- flows <- core` is fixed.
