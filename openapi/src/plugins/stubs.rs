//! The Rust a new plugin starts from, generated from the WIT world of its port: an `impl Guest`
//! per exported interface, with the signature wit-bindgen expects (functions in snake_case, types
//! in UpperCamelCase under their interface's module, `list<T>` as `Vec<T>`, `option<T>` as
//! `Option<T>`, `string` as `String`, `result<T, port-error>` as the SDK's `PortResult<T>`) and a
//! body that answers "not implemented yet". It does not write files.

use std::path::Path;

use anyhow::{Context as _, bail};
use wit_parser::{Function, Resolve, Type, TypeDefKind, TypeOwner, WorldItem};

/// The generated `src/lib.rs` of plugin `name` for the world `<port>-adapter` of the WIT package
/// in `wit_dir`. `webhooks` is what the manifest declares.
pub fn plugin_source(wit_dir: &Path, name: &str, port: &str, webhooks: bool) -> anyhow::Result<String> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_dir(wit_dir).with_context(|| format!("{}", wit_dir.display()))?;
    let world_name = format!("{port}-adapter");
    let world = resolve
        .select_world(&[package], Some(&world_name))
        .with_context(|| format!("the WIT package has no world `{world_name}`"))?;
    let qualified = resolve.id_of_name(package, &world_name);
    let qualified = qualified.split('@').next().unwrap_or(&qualified).to_owned();

    let mut modules = vec![];
    let mut impls = String::new();
    for item in resolve.worlds[world].exports.values() {
        let WorldItem::Interface { id, .. } = item else {
            bail!("`{world_name}` exports something other than interfaces")
        };
        let interface = &resolve.interfaces[*id];
        let module = snake(interface.name.as_deref().context("an unnamed interface")?);
        if module == "webhooks" && !webhooks {
            impls.push_str(
                "\n// The world exports webhooks; plugin.toml says `webhooks = false`, so the gateway never calls\n\
                 // these. Set it to true once they are written.\n",
            );
        } else {
            impls.push('\n');
        }
        impls.push_str(&format!("impl {module}::Guest for Plugin {{\n"));
        for (i, function) in interface.functions.values().enumerate() {
            if i > 0 {
                impls.push('\n');
            }
            impls.push_str(&stub(&resolve, &module, function)?);
        }
        impls.push_str("}\n");
        modules.push(module);
    }
    let namespace = qualified.split(':').next().unwrap_or_default().to_owned();
    let package_name = resolve.packages[package].name.name.clone();
    let uses = if modules.len() == 1 { modules[0].clone() } else { format!("{{{}}}", modules.join(", ")) };
    Ok(format!(
        "//! The {name} plugin: a {port} adapter. Scaffolded by `maxai plugins new`: every operation answers\n\
         //! \"not implemented yet\" until it is written (see plugins/README.md).\n\
         \n\
         use maxai_plugin_sdk::{{PortError, PortResult}};\n\
         \n\
         maxai_plugin_sdk::bindings!(\"{qualified}\");\n\
         \n\
         use exports::{namespace}::{package_name}::{uses};\n\
         \n\
         struct Plugin;\n\
         {impls}\n\
         export!(Plugin);\n",
        namespace = snake(&namespace),
        package_name = snake(&package_name),
    ))
}

/// One function of the `Guest` trait of `module`, with a body that fails.
fn stub(resolve: &Resolve, module: &str, function: &Function) -> anyhow::Result<String> {
    let params = function
        .params
        .iter()
        .map(|param| Ok(format!("_{}: {}", snake(&param.name), rust_type(resolve, module, &param.ty)?)))
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", ");
    let (result, body) = match &function.result {
        None => (String::new(), "unimplemented!(\"not implemented yet\")".to_owned()),
        Some(ty) => {
            let (text, error) = match result_parts(resolve, ty) {
                Some((ok, err)) if is_port_error(resolve, err) => {
                    (format!("PortResult<{}>", option_type(resolve, module, ok)?), None)
                }
                _ => (rust_type(resolve, module, ty)?, error_type(resolve, ty)),
            };
            let body = match error {
                None => "Err(PortError::Adapter(\"not implemented yet\".into()))".to_owned(),
                Some((error, case)) => {
                    format!(
                        "Err({module}::{}::{}(\"not implemented yet\".into()))",
                        camel(&error),
                        camel(&case)
                    )
                }
            };
            (format!(" -> {text}"), body)
        }
    };
    Ok(format!(
        "    fn {}({params}){result} {{\n        {body}\n    }}\n",
        rust_ident(&snake(&function.name))
    ))
}

/// `ok` and `err` of a `result<ok, err>` with an error type.
fn result_parts(resolve: &Resolve, ty: &Type) -> Option<(Option<Type>, Type)> {
    let Type::Id(id) = ty else { return None };
    match &resolve.types[*id].kind {
        TypeDefKind::Result(result) => Some((result.ok, result.err?)),
        _ => None,
    }
}

/// Whether `ty` is (an alias of) the shared `port-error`.
fn is_port_error(resolve: &Resolve, ty: Type) -> bool {
    let Type::Id(id) = ty else { return false };
    let def = &resolve.types[id];
    match def.kind {
        TypeDefKind::Type(inner) => is_port_error(resolve, inner),
        _ => def.name.as_deref() == Some("port-error"),
    }
}

/// For a `result<_, e>` whose `e` is a variant: `e`'s name and its first case that carries a
/// string, for the stub's error.
fn error_type(resolve: &Resolve, ty: &Type) -> Option<(String, String)> {
    let (_, Type::Id(err)) = result_parts(resolve, ty)? else { return None };
    let def = &resolve.types[err];
    let TypeDefKind::Variant(variant) = &def.kind else { return None };
    let case = variant.cases.iter().find(|case| case.ty == Some(Type::String))?;
    Some((def.name.clone()?, case.name.clone()))
}

fn option_type(resolve: &Resolve, module: &str, ty: Option<Type>) -> anyhow::Result<String> {
    match ty {
        Some(ty) => rust_type(resolve, module, &ty),
        None => Ok("()".into()),
    }
}

/// The Rust type wit-bindgen gives an exported function's parameter or result of type `ty`.
fn rust_type(resolve: &Resolve, module: &str, ty: &Type) -> anyhow::Result<String> {
    Ok(match ty {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "i8".into(),
        Type::S16 => "i16".into(),
        Type::S32 => "i32".into(),
        Type::S64 => "i64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "String".into(),
        Type::ErrorContext => bail!("error-context is not supported in a scaffold"),
        Type::Id(id) => {
            let def = &resolve.types[*id];
            if let (Some(name), TypeOwner::Interface(owner)) = (&def.name, def.owner) {
                // every named type of an interface, `use`d ones included, is in its module
                let owner =
                    resolve.interfaces[owner].name.as_deref().map(snake).unwrap_or_else(|| module.into());
                return Ok(format!("{owner}::{}", camel(name)));
            }
            match &def.kind {
                TypeDefKind::List(inner) => format!("Vec<{}>", rust_type(resolve, module, inner)?),
                TypeDefKind::Option(inner) => format!("Option<{}>", rust_type(resolve, module, inner)?),
                TypeDefKind::Result(result) => format!(
                    "Result<{}, {}>",
                    option_type(resolve, module, result.ok)?,
                    option_type(resolve, module, result.err)?
                ),
                TypeDefKind::Tuple(tuple) => {
                    let types = tuple
                        .types
                        .iter()
                        .map(|ty| rust_type(resolve, module, ty))
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    match types.len() {
                        1 => format!("({},)", types[0]),
                        _ => format!("({})", types.join(", ")),
                    }
                }
                TypeDefKind::Type(inner) => rust_type(resolve, module, inner)?,
                other => bail!("a scaffold cannot write the type {other:?}"),
            }
        }
    })
}

/// `get-contact` → `get_contact`.
pub fn snake(name: &str) -> String {
    name.replace('-', "_")
}

/// `contact-page` → `ContactPage`.
pub fn camel(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A Rust keyword gets a trailing `_`, as wit-bindgen does.
fn rust_ident(name: &str) -> String {
    const KEYWORDS: [&str; 38] = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while",
    ];
    if KEYWORDS.contains(&name) { format!("{name}_") } else { name.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wit() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ports/wit")
    }

    /// Every function of the port's interface, as the WIT declares them.
    fn functions(port: &str) -> Vec<String> {
        let mut resolve = Resolve::default();
        resolve.push_dir(wit()).unwrap();
        let (_, interface) =
            resolve.interfaces.iter().find(|(_, i)| i.name.as_deref() == Some(port)).unwrap();
        interface.functions.keys().cloned().collect()
    }

    #[test]
    fn every_port_gets_a_stub_per_function_that_answers_not_implemented() {
        for port in maxai_ports::catalog::PORTS {
            let source = plugin_source(&wit(), "acme", port, false).unwrap();
            assert!(
                source.contains(&format!("maxai_plugin_sdk::bindings!(\"maxai:ports/{port}-adapter\");")),
                "{source}"
            );
            assert!(source.contains(&format!("impl {port}::Guest for Plugin {{")), "{source}");
            for function in functions(port) {
                let signature = format!("    fn {}(_call: {port}::CallContext", snake(&function));
                assert!(source.contains(&signature), "{port}: no `{signature}` in\n{source}");
            }
            let stubs = source.matches("Err(PortError::Adapter(\"not implemented yet\".into()))").count();
            assert_eq!(stubs, functions(port).len(), "{source}");
            assert!(source.ends_with("export!(Plugin);\n"));
        }
    }

    #[test]
    fn the_signatures_follow_wit_bindgen() {
        let crm = plugin_source(&wit(), "acme", "crm", true).unwrap();
        for expected in [
            "use exports::maxai::ports::{crm, webhooks};",
            "fn get_contact(_call: crm::CallContext, _id: String) -> PortResult<crm::Contact>",
            "fn add_note(_call: crm::CallContext, _contact_id: String, _body: String) -> PortResult<crm::Note>",
            "fn list_pipelines(_call: crm::CallContext) -> PortResult<Vec<crm::Pipeline>>",
            "fn search_contacts(_call: crm::CallContext, _input: crm::SearchContactsRequest) -> PortResult<crm::ContactPage>",
            "fn verify(_req: webhooks::Incoming) -> Result<(), webhooks::WebhookError>",
            "fn normalize(_req: webhooks::Incoming) -> Result<Vec<webhooks::CanonicalEvent>, webhooks::WebhookError>",
            "Err(webhooks::WebhookError::BadSignature(\"not implemented yet\".into()))",
        ] {
            assert!(crm.contains(expected), "no `{expected}` in\n{crm}");
        }
        assert!(!crm.contains("never calls"), "webhooks are declared");
        let llm = plugin_source(&wit(), "acme", "llm", false).unwrap();
        assert!(llm.contains("use exports::maxai::ports::llm;"), "{llm}");
        assert!(llm.contains(
            "fn chat(_call: llm::CallContext, _input: llm::ChatRequest) -> PortResult<llm::ChatResponse>"
        ));
        let messaging = plugin_source(&wit(), "acme", "messaging", false).unwrap();
        assert!(messaging.contains("says `webhooks = false`, so the gateway never calls"), "{messaging}");
    }

    #[test]
    fn names_follow_wit_bindgen() {
        assert_eq!(snake("get-message-status"), "get_message_status");
        assert_eq!(camel("port-error"), "PortError");
        assert_eq!(camel("v2-thing"), "V2Thing");
        assert_eq!(rust_ident("type"), "type_");
    }
}
