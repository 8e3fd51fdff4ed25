//! JSON (the port catalog's types, as serde writes them) to component values and back, led by
//! the WIT type: records are objects with `snake_case` keys, enums are `snake_case` strings,
//! `option` is `null`, `list<tuple<string, T>>` is an object, and the `json` alias is any JSON
//! value, carried as text.

use serde_json::{Map, Number, Value};
use wasmtime::component::Val;
use wit_parser::{Type, TypeDefKind};

use crate::wit::PortTypes;

/// Where in a value a conversion failed (`messages[0].role`), and why.
pub(crate) type Conversion<T> = Result<T, String>;

fn snake(kebab: &str) -> String {
    kebab.replace('-', "_")
}

fn kebab(snake: &str) -> String {
    snake.replace('_', "-")
}

/// Prefixes `error` with the field or index it happened under (`messages[0].role`).
fn at(segment: &str, error: String) -> String {
    match error.strip_prefix('`').and_then(|rest| rest.split_once('`')) {
        Some((path, rest)) => {
            let dot = if path.starts_with('[') { "" } else { "." };
            format!("`{segment}{dot}{path}`{rest}")
        }
        None => format!("`{segment}`: {error}"),
    }
}

impl PortTypes {
    /// The component value of type `ty` for `json`.
    pub(crate) fn to_val(&self, ty: Type, json: &Value) -> Conversion<Val> {
        let number = || json.as_number().ok_or_else(|| format!("expected a number, found {json}"));
        let int = |min: i128, max: i128| -> Conversion<i128> {
            let n = number()?;
            let n = n.as_i64().map(i128::from).or(n.as_u64().map(i128::from));
            n.filter(|n| (min..=max).contains(n)).ok_or_else(|| format!("{json} is out of range"))
        };
        Ok(match ty {
            Type::Bool => {
                Val::Bool(json.as_bool().ok_or_else(|| format!("expected true or false, found {json}"))?)
            }
            Type::U8 => Val::U8(int(0, u8::MAX.into())? as u8),
            Type::U16 => Val::U16(int(0, u16::MAX.into())? as u16),
            Type::U32 => Val::U32(int(0, u32::MAX.into())? as u32),
            Type::U64 => Val::U64(int(0, u64::MAX.into())? as u64),
            Type::S8 => Val::S8(int(i8::MIN.into(), i8::MAX.into())? as i8),
            Type::S16 => Val::S16(int(i16::MIN.into(), i16::MAX.into())? as i16),
            Type::S32 => Val::S32(int(i32::MIN.into(), i32::MAX.into())? as i32),
            Type::S64 => Val::S64(int(i64::MIN.into(), i64::MAX.into())? as i64),
            Type::F32 => Val::Float32(number()?.as_f64().unwrap_or_default() as f32),
            Type::F64 => Val::Float64(number()?.as_f64().unwrap_or_default()),
            Type::Char => {
                let mut chars = json.as_str().map(str::chars).into_iter().flatten();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Val::Char(c),
                    _ => return Err(format!("expected one character, found {json}")),
                }
            }
            Type::String => {
                Val::String(json.as_str().ok_or_else(|| format!("expected a string, found {json}"))?.into())
            }
            Type::ErrorContext => return Err("error-context is not used by ports".into()),
            ty if self.is_json(ty) => Val::String(json.to_string()),
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Type(inner) => self.to_val(*inner, json)?,
                TypeDefKind::Record(record) => {
                    let object =
                        json.as_object().ok_or_else(|| format!("expected an object, found {json}"))?;
                    let mut fields = Vec::with_capacity(record.fields.len());
                    for field in &record.fields {
                        let key = snake(&field.name);
                        let value = self.to_val(field.ty, object.get(&key).unwrap_or(&Value::Null));
                        fields.push((field.name.clone(), value.map_err(|e| at(&key, e))?));
                    }
                    Val::Record(fields)
                }
                TypeDefKind::Enum(cases) => {
                    let name = json.as_str().map(kebab).unwrap_or_default();
                    if !cases.cases.iter().any(|case| case.name == name) {
                        return Err(format!("{json} is not one of the allowed values"));
                    }
                    Val::Enum(name)
                }
                TypeDefKind::Option(inner) => match json {
                    Value::Null => Val::Option(None),
                    some => Val::Option(Some(Box::new(self.to_val(*inner, some)?))),
                },
                TypeDefKind::List(inner) => match (json, self.keyed(*inner)) {
                    (Value::Null, _) => Val::List(vec![]),
                    (Value::Object(object), Some(value_ty)) => Val::List(
                        object
                            .iter()
                            .map(|(key, value)| {
                                let value = self.to_val(value_ty, value).map_err(|e| at(key, e))?;
                                Ok(Val::Tuple(vec![Val::String(key.clone()), value]))
                            })
                            .collect::<Conversion<_>>()?,
                    ),
                    (Value::Array(items), _) => Val::List(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, item)| self.to_val(*inner, item).map_err(|e| at(&format!("[{i}]"), e)))
                            .collect::<Conversion<_>>()?,
                    ),
                    _ => return Err(format!("expected a list, found {json}")),
                },
                TypeDefKind::Tuple(tuple) => {
                    let items = json.as_array().filter(|items| items.len() == tuple.types.len());
                    let items =
                        items.ok_or_else(|| format!("expected {} items, found {json}", tuple.types.len()))?;
                    Val::Tuple(
                        tuple
                            .types
                            .iter()
                            .zip(items)
                            .map(|(ty, item)| self.to_val(*ty, item))
                            .collect::<Conversion<_>>()?,
                    )
                }
                other => return Err(format!("{other:?} is not used in port inputs")),
            },
        })
    }

    /// The JSON of the component value `val` of type `ty`.
    pub(crate) fn to_json(&self, ty: Type, val: &Val) -> Conversion<Value> {
        let float = |f: f64| {
            Number::from_f64(f).map(Value::Number).ok_or_else(|| format!("{f} is not a JSON number"))
        };
        Ok(match (ty, val) {
            (_, Val::Bool(b)) => Value::Bool(*b),
            (_, Val::U8(n)) => (*n).into(),
            (_, Val::U16(n)) => (*n).into(),
            (_, Val::U32(n)) => (*n).into(),
            (_, Val::U64(n)) => (*n).into(),
            (_, Val::S8(n)) => (*n).into(),
            (_, Val::S16(n)) => (*n).into(),
            (_, Val::S32(n)) => (*n).into(),
            (_, Val::S64(n)) => (*n).into(),
            (_, Val::Float32(f)) => float(f64::from(*f))?,
            (_, Val::Float64(f)) => float(*f)?,
            (_, Val::Char(c)) => Value::String(c.to_string()),
            (ty, Val::String(text)) if self.is_json(ty) => {
                serde_json::from_str(text).map_err(|e| format!("is not JSON: {e}"))?
            }
            (_, Val::String(s)) => Value::String(s.clone()),
            (Type::Id(id), val) => match (&self.resolve.types[id].kind, val) {
                (TypeDefKind::Type(inner), val) => self.to_json(*inner, val)?,
                (TypeDefKind::Record(record), Val::Record(fields)) => {
                    let mut object = Map::new();
                    for (field, (_, value)) in record.fields.iter().zip(fields) {
                        let key = snake(&field.name);
                        let value = self.to_json(field.ty, value).map_err(|e| at(&key, e))?;
                        object.insert(key, value);
                    }
                    Value::Object(object)
                }
                (TypeDefKind::Enum(_), Val::Enum(name)) => Value::String(snake(name)),
                (TypeDefKind::Option(_), Val::Option(None)) => Value::Null,
                (TypeDefKind::Option(inner), Val::Option(Some(value))) => self.to_json(*inner, value)?,
                (TypeDefKind::List(inner), Val::List(items)) => match self.keyed(*inner) {
                    Some(value_ty) => {
                        let mut object = Map::new();
                        for item in items {
                            if let Val::Tuple(pair) = item
                                && let [Val::String(key), value] = pair.as_slice()
                            {
                                object.insert(
                                    key.clone(),
                                    self.to_json(value_ty, value).map_err(|e| at(key, e))?,
                                );
                            }
                        }
                        Value::Object(object)
                    }
                    None => Value::Array(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, item)| self.to_json(*inner, item).map_err(|e| at(&format!("[{i}]"), e)))
                            .collect::<Conversion<_>>()?,
                    ),
                },
                (TypeDefKind::Tuple(tuple), Val::Tuple(items)) => Value::Array(
                    tuple
                        .types
                        .iter()
                        .zip(items)
                        .map(|(ty, item)| self.to_json(*ty, item))
                        .collect::<Conversion<_>>()?,
                ),
                (kind, val) => return Err(format!("cannot read {val:?} as {kind:?}")),
            },
            (ty, val) => return Err(format!("cannot read {val:?} as {ty:?}")),
        })
    }

    /// Whether `ty` is the `json` alias (or an alias of it, as `use types.{json}` makes).
    fn is_json(&self, ty: Type) -> bool {
        match ty {
            Type::Id(id) if id == self.json => true,
            Type::Id(id) => {
                matches!(self.resolve.types[id].kind, TypeDefKind::Type(inner) if self.is_json(inner))
            }
            _ => false,
        }
    }

    /// For `tuple<string, T>` (the element of a keyed list such as `string-map`), `T`.
    fn keyed(&self, element: Type) -> Option<Type> {
        let Type::Id(id) = element else { return None };
        match &self.resolve.types[id].kind {
            TypeDefKind::Tuple(tuple) => match tuple.types.as_slice() {
                [Type::String, value] => Some(*value),
                _ => None,
            },
            TypeDefKind::Type(inner) => self.keyed(*inner),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::wit::{InputShape, PORTS};

    fn input_type(operation: &str) -> wit_parser::Type {
        match &PORTS.operations[operation].input {
            InputShape::Record(ty) => *ty,
            InputShape::Params(_) => panic!("{operation} takes parameters"),
        }
    }

    #[test]
    fn a_catalog_input_goes_through_the_wit_types_and_back_unchanged() {
        let chat = json!({
            "model": "openai/gpt-4o-mini",
            "messages": [
                { "role": "system", "content": "Be brief.", "tool_call_id": null, "tool_calls": [] },
                { "role": "assistant", "content": "", "tool_call_id": null,
                  "tool_calls": [{ "id": "c1", "name": "book", "arguments": { "day": "monday", "slots": [1, 2] } }] }
            ],
            "temperature": 0.25,
            "max_tokens": 300,
            "tools": [{ "name": "book", "description": "Books", "parameters": { "type": "object" } }]
        });
        let ty = input_type("llm.chat");
        let val = PORTS.to_val(ty, &chat).unwrap();
        assert_eq!(PORTS.to_json(ty, &val).unwrap(), chat);

        let contact = json!({
            "first_name": "Ada", "last_name": null, "email": "ada@example.com", "phone": "+15551230000",
            "tags": ["lead"], "custom_fields": { "source_page": "/pricing" }, "source": "web form"
        });
        let ty = input_type("crm.upsert_contact");
        let val = PORTS.to_val(ty, &contact).unwrap();
        assert_eq!(PORTS.to_json(ty, &val).unwrap(), contact);
    }

    #[test]
    fn a_wrong_input_names_the_field() {
        let ty = input_type("llm.chat");
        let bad = json!({ "model": "m", "messages": [{ "role": "robot", "content": "" }] });
        let error = PORTS.to_val(ty, &bad).unwrap_err();
        assert!(error.starts_with("`messages[0].role`"), "{error}");
        let bad = json!({ "model": "m", "messages": [], "max_tokens": -1 });
        assert!(PORTS.to_val(ty, &bad).unwrap_err().starts_with("`max_tokens`"));
    }
}
