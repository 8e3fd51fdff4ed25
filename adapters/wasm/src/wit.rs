//! The port interfaces of `ports/wit` as the host reads them (with wit-parser, so type aliases
//! such as `json` keep their meaning): the shape of every operation's export, and the check that
//! a component's exports have exactly those types.

use std::{collections::BTreeMap, sync::LazyLock};

use wasmtime::component::types;
use wit_parser::{Function, Resolve, SourceMap, Type, TypeDefKind, TypeId};

/// The WIT files, embedded so that the host checks plugins against the package it was built with.
const WIT_FILES: &[(&str, &str)] = &[
    ("types.wit", include_str!("../../../ports/wit/types.wit")),
    ("host.wit", include_str!("../../../ports/wit/host.wit")),
    ("crm.wit", include_str!("../../../ports/wit/crm.wit")),
    ("messaging.wit", include_str!("../../../ports/wit/messaging.wit")),
    ("voice.wit", include_str!("../../../ports/wit/voice.wit")),
    ("payments.wit", include_str!("../../../ports/wit/payments.wit")),
    ("llm.wit", include_str!("../../../ports/wit/llm.wit")),
    ("calendar.wit", include_str!("../../../ports/wit/calendar.wit")),
    ("worlds.wit", include_str!("../../../ports/wit/worlds.wit")),
];

/// How an operation's JSON input becomes the export's parameters after `call`.
#[derive(Debug)]
pub(crate) enum InputShape {
    /// One record parameter: the JSON object is that record.
    Record(Type),
    /// Scalar parameters (`get-contact(call, id)`): each is the JSON key of its name; none
    /// means the input is `{}`.
    Params(Vec<(String, Type)>),
}

/// How the export's `ok` value becomes the operation's JSON output.
#[derive(Debug)]
pub(crate) enum OutputShape {
    /// A record: the JSON object is that record.
    Record,
    /// Anything else (`list<pipeline>`): the output object's one key holds it.
    Wrapped(String),
}

/// One operation as the WIT package declares it.
#[derive(Debug)]
pub(crate) struct Operation {
    /// `maxai:ports/crm@0.1.0`.
    pub(crate) interface: String,
    /// `upsert-contact`.
    pub(crate) function: String,
    pub(crate) input: InputShape,
    pub(crate) ok: Type,
    pub(crate) output: OutputShape,
    pub(crate) signature: Function,
}

/// The package, parsed once.
pub(crate) struct PortTypes {
    pub(crate) resolve: Resolve,
    /// The `json` alias of `types`: text on the wire, any JSON value in the catalog.
    pub(crate) json: TypeId,
    /// Every operation by catalog id (`crm.upsert_contact`).
    pub(crate) operations: BTreeMap<&'static str, Operation>,
    /// The functions of `webhooks` (`verify`, `normalize`).
    pub(crate) webhooks: BTreeMap<String, Function>,
}

/// The host's reading of `ports/wit`.
pub(crate) static PORTS: LazyLock<PortTypes> = LazyLock::new(|| {
    PortTypes::parse().unwrap_or_else(|e| panic!("the embedded ports/wit package is invalid: {e}"))
});

impl PortTypes {
    fn parse() -> Result<Self, String> {
        let mut map = SourceMap::default();
        for (path, text) in WIT_FILES {
            map.push_str(path, *text);
        }
        let group = map.parse().map_err(|(_, e)| e.to_string())?;
        let mut resolve = Resolve::default();
        let package = resolve.push_group(group).map_err(|e| e.to_string())?;
        let interface = |name: &str| {
            resolve.packages[package].interfaces.get(name).copied().ok_or(format!("no interface `{name}`"))
        };
        let types_interface = interface("types")?;
        let json = *resolve.interfaces[types_interface].types.get("json").ok_or("no type `json`")?;
        let mut operations = BTreeMap::new();
        for spec in maxai_ports::catalog::operations() {
            let function_name = spec.name.replace('_', "-");
            let function = resolve.interfaces[interface(spec.port)?]
                .functions
                .get(&function_name)
                .cloned()
                .ok_or(format!("no function for `{}`", spec.id))?;
            let after_call: Vec<(String, Type)> =
                function.params.iter().skip(1).map(|p| (p.name.clone(), p.ty)).collect();
            let input = match after_call.as_slice() {
                [(name, ty)] if name == "input" => InputShape::Record(*ty),
                _ => InputShape::Params(after_call),
            };
            let Some(Type::Id(result)) = function.result else {
                return Err(format!("`{}` does not return a result", spec.id));
            };
            let TypeDefKind::Result(result) = &resolve.types[result].kind else {
                return Err(format!("`{}` does not return a result", spec.id));
            };
            let ok = result.ok.ok_or(format!("`{}` returns no value", spec.id))?;
            let output = if is_record(&resolve, ok) {
                OutputShape::Record
            } else {
                OutputShape::Wrapped(single_property((spec.output_schema)(), spec.id)?)
            };
            operations.insert(
                spec.id,
                Operation {
                    interface: maxai_ports::catalog::wit_interface(spec.port),
                    function: function_name,
                    input,
                    ok,
                    output,
                    signature: function,
                },
            );
        }
        let webhooks = resolve.interfaces[interface("webhooks")?].functions.clone().into_iter().collect();
        Ok(Self { resolve, json, operations, webhooks })
    }

    /// Checks that a component's export has exactly the signature `expected`.
    pub(crate) fn check(&self, expected: &Function, actual: &types::ComponentFunc) -> Result<(), String> {
        let params: Vec<(&str, types::Type)> = actual.params().collect();
        if params.len() != expected.params.len() {
            return Err(format!(
                "takes {} parameters, the port says {}",
                params.len(),
                expected.params.len()
            ));
        }
        for ((name, ty), param) in params.iter().zip(&expected.params) {
            if *name != param.name {
                return Err(format!("parameter `{name}` should be `{}`", param.name));
            }
            self.same(param.ty, ty).map_err(|e| format!("parameter `{name}`: {e}"))?;
        }
        let results: Vec<types::Type> = actual.results().collect();
        match (results.as_slice(), expected.result) {
            ([actual], Some(expected)) => self.same(expected, actual).map_err(|e| format!("result: {e}")),
            _ => Err("returns something other than the port's result".into()),
        }
    }

    /// Whether the component type `actual` is the WIT type `expected`, naming the first difference.
    fn same(&self, expected: Type, actual: &types::Type) -> Result<(), String> {
        use types::Type as T;
        let scalar = match (expected, actual) {
            (Type::Bool, T::Bool)
            | (Type::U8, T::U8)
            | (Type::U16, T::U16)
            | (Type::U32, T::U32)
            | (Type::U64, T::U64)
            | (Type::S8, T::S8)
            | (Type::S16, T::S16)
            | (Type::S32, T::S32)
            | (Type::S64, T::S64)
            | (Type::F32, T::Float32)
            | (Type::F64, T::Float64)
            | (Type::Char, T::Char)
            | (Type::String, T::String) => return Ok(()),
            (Type::Id(id), _) => id,
            _ => return Err(format!("expected {expected:?}, found {actual:?}")),
        };
        let mismatch = || Err(format!("expected {}, found {actual:?}", self.describe(scalar)));
        match (&self.resolve.types[scalar].kind, actual) {
            (TypeDefKind::Type(inner), _) => self.same(*inner, actual),
            (TypeDefKind::Record(record), T::Record(actual)) => {
                let fields: Vec<types::Field<'_>> = actual.fields().collect();
                if fields.len() != record.fields.len() {
                    return mismatch();
                }
                for (field, expected) in fields.iter().zip(&record.fields) {
                    if field.name != expected.name {
                        return Err(format!("field `{}` should be `{}`", field.name, expected.name));
                    }
                    self.same(expected.ty, &field.ty).map_err(|e| format!("field `{}`: {e}", field.name))?;
                }
                Ok(())
            }
            (TypeDefKind::Enum(expected), T::Enum(actual)) => {
                let names: Vec<&str> = actual.names().collect();
                let wanted: Vec<&str> = expected.cases.iter().map(|c| c.name.as_str()).collect();
                if names == wanted { Ok(()) } else { mismatch() }
            }
            (TypeDefKind::Variant(expected), T::Variant(actual)) => {
                let cases: Vec<types::Case<'_>> = actual.cases().collect();
                if cases.len() != expected.cases.len() {
                    return mismatch();
                }
                for (case, expected) in cases.iter().zip(&expected.cases) {
                    if case.name != expected.name {
                        return mismatch();
                    }
                    match (expected.ty, &case.ty) {
                        (None, None) => {}
                        (Some(expected), Some(actual)) => self.same(expected, actual)?,
                        _ => return mismatch(),
                    }
                }
                Ok(())
            }
            (TypeDefKind::Option(inner), T::Option(actual)) => self.same(*inner, &actual.ty()),
            (TypeDefKind::List(inner), T::List(actual)) => self.same(*inner, &actual.ty()),
            (TypeDefKind::Tuple(tuple), T::Tuple(actual)) => {
                let types: Vec<types::Type> = actual.types().collect();
                if types.len() != tuple.types.len() {
                    return mismatch();
                }
                tuple.types.iter().zip(&types).try_for_each(|(expected, actual)| self.same(*expected, actual))
            }
            (TypeDefKind::Result(expected), T::Result(actual)) => {
                match (expected.ok, actual.ok()) {
                    (None, None) => {}
                    (Some(expected), Some(actual)) => self.same(expected, &actual)?,
                    _ => return mismatch(),
                }
                match (expected.err, actual.err()) {
                    (None, None) => Ok(()),
                    (Some(expected), Some(actual)) => self.same(expected, &actual),
                    _ => mismatch(),
                }
            }
            _ => mismatch(),
        }
    }

    /// A type's WIT name, for messages.
    fn describe(&self, id: TypeId) -> String {
        let def = &self.resolve.types[id];
        def.name.clone().unwrap_or_else(|| format!("{:?}", def.kind).to_lowercase())
    }
}

fn is_record(resolve: &Resolve, ty: Type) -> bool {
    match ty {
        Type::Id(id) => match &resolve.types[id].kind {
            TypeDefKind::Record(_) => true,
            TypeDefKind::Type(inner) => is_record(resolve, *inner),
            _ => false,
        },
        _ => false,
    }
}

/// The one property of an output schema that wraps a non-record result (`pipelines`).
fn single_property(schema: schemars::Schema, operation: &str) -> Result<String, String> {
    let properties = schema.as_value().get("properties").and_then(|p| p.as_object()).cloned();
    match properties.as_ref().map(|p| p.keys().collect::<Vec<_>>()).as_deref() {
        Some([only]) => Ok((*only).clone()),
        _ => Err(format!("`{operation}` returns a non-record but its output has not exactly one field")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_operation_has_its_export_shape() {
        let ports = &*PORTS;
        assert_eq!(ports.operations.len(), maxai_ports::catalog::operations().count());
        let upsert = &ports.operations["crm.upsert_contact"];
        assert_eq!(
            (upsert.interface.as_str(), upsert.function.as_str()),
            ("maxai:ports/crm@0.1.0", "upsert-contact")
        );
        assert!(matches!(upsert.input, InputShape::Record(_)));
        assert!(matches!(ports.operations["crm.add_note"].input, InputShape::Params(ref p) if p.len() == 2));
        assert!(
            matches!(ports.operations["crm.list_pipelines"].output, OutputShape::Wrapped(ref key) if key == "pipelines")
        );
        assert!(matches!(ports.operations["crm.get_contact"].output, OutputShape::Record));
    }

    /// The schema at `schema`, following a `$ref` into the root's `$defs`.
    fn resolve<'a>(root: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
        match schema.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix("#/$defs/")) {
            Some(name) => resolve(root, &root["$defs"][name]),
            None => schema,
        }
    }

    /// The object schema inside `schema` (through `anyOf` with null, `type: [T, null]`, arrays).
    fn object_within<'a>(
        root: &'a serde_json::Value,
        schema: &'a serde_json::Value,
    ) -> Option<&'a serde_json::Value> {
        let schema = resolve(root, schema);
        if schema.get("properties").is_some() {
            return Some(schema);
        }
        if let Some(items) = schema.get("items") {
            return object_within(root, items);
        }
        schema.get("anyOf")?.as_array()?.iter().find_map(|s| object_within(root, s))
    }

    /// Every record reachable from `ty` has exactly the properties of the Rust schema there.
    fn same_fields(
        ports: &PortTypes,
        ty: Type,
        root: &serde_json::Value,
        schema: &serde_json::Value,
        at: &str,
    ) {
        let Type::Id(id) = ty else { return };
        match &ports.resolve.types[id].kind {
            TypeDefKind::Type(inner) | TypeDefKind::Option(inner) | TypeDefKind::List(inner) => {
                same_fields(ports, *inner, root, schema, at)
            }
            TypeDefKind::Record(record) => {
                let object =
                    object_within(root, schema).unwrap_or_else(|| panic!("{at}: no object in {schema}"));
                let properties = object["properties"].as_object().expect("properties");
                let in_wit: Vec<String> = record.fields.iter().map(|f| f.name.replace('-', "_")).collect();
                let mut in_rust: Vec<String> = properties.keys().cloned().collect();
                let mut sorted_wit = in_wit.clone();
                sorted_wit.sort();
                in_rust.sort();
                assert_eq!(sorted_wit, in_rust, "{at}: the WIT record and the Rust type disagree");
                for field in &record.fields {
                    let key = field.name.replace('-', "_");
                    same_fields(ports, field.ty, root, &properties[&key], &format!("{at}.{key}"));
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_wit_record_has_the_fields_of_its_rust_type() {
        let ports = &*PORTS;
        for spec in maxai_ports::catalog::operations() {
            let operation = &ports.operations[spec.id];
            let input = (spec.input_schema)();
            let input = input.as_value();
            match &operation.input {
                InputShape::Record(ty) => same_fields(ports, *ty, input, input, spec.id),
                InputShape::Params(params) => {
                    let mut in_wit: Vec<String> = params.iter().map(|(n, _)| n.replace('-', "_")).collect();
                    let mut in_rust: Vec<String> = input["properties"]
                        .as_object()
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default();
                    in_wit.sort();
                    in_rust.sort();
                    assert_eq!(in_wit, in_rust, "{}: parameters", spec.id);
                }
            }
            let output = (spec.output_schema)();
            let output = output.as_value();
            match &operation.output {
                OutputShape::Record => same_fields(ports, operation.ok, output, output, spec.id),
                OutputShape::Wrapped(key) => {
                    same_fields(ports, operation.ok, output, &output["properties"][key], spec.id)
                }
            }
        }
    }
}
