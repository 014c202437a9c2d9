//! The TOML reader: the `toml` crate's spanned tables into [`DataNode`]s. Integers that do not fit an `i64`
//! and dates are strings.

use super::{DataDoc, DataError, DataKey, DataNode, DataValue};

/// The TOML reader of [`super::FORMATS`]: one document, spans from the `toml` crate's spanned tables.
pub(super) fn read(text: &str) -> Result<Vec<DataDoc>, DataError> {
    let table = ::toml::de::DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |s| s.start);
        let before = text.get(..offset).unwrap_or("");
        DataError {
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            message: err.message().trim().to_string(),
        }
    })?;
    let span = table.span();
    let root = DataNode {
        value: convert_toml_table(table.get_ref()),
        span,
    };
    Ok(vec![DataDoc { index: 0, root }])
}

fn convert_toml_table(table: &::toml::de::DeTable<'_>) -> DataValue {
    DataValue::Map(
        table
            .iter()
            .map(|(key, value)| {
                let key = DataKey {
                    name: key.get_ref().to_string(),
                    span: key.span(),
                };
                (
                    key,
                    DataNode {
                        value: convert_toml(value.get_ref()),
                        span: value.span(),
                    },
                )
            })
            .collect(),
    )
}

fn convert_toml(value: &::toml::de::DeValue<'_>) -> DataValue {
    use ::toml::de::DeValue;
    match value {
        DeValue::String(s) => DataValue::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let digits = digits
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            i64::from_str_radix(digits, i.radix())
                .map_or_else(|_| DataValue::Str(i.as_str().to_string()), DataValue::Int)
        }
        DeValue::Float(f) => {
            let digits: String = f.as_str().chars().filter(|c| *c != '_').collect();
            match digits.as_str() {
                "inf" | "+inf" => DataValue::Float(f64::INFINITY),
                "-inf" => DataValue::Float(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => DataValue::Float(f64::NAN),
                other => other
                    .parse()
                    .map_or_else(|_| DataValue::Str(digits.clone()), DataValue::Float),
            }
        }
        DeValue::Boolean(b) => DataValue::Bool(*b),
        DeValue::Datetime(d) => DataValue::Str(d.to_string()),
        DeValue::Array(items) => DataValue::Seq(
            items
                .iter()
                .map(|item| DataNode {
                    value: convert_toml(item.get_ref()),
                    span: item.span(),
                })
                .collect(),
        ),
        DeValue::Table(table) => convert_toml_table(table),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, DataValue)> {
        let docs = read(text).unwrap_or_else(|e| panic!("{e:?}"));
        let DataValue::Map(entries) = &docs[0].root.value else {
            panic!("a TOML document is a table");
        };
        entries
            .iter()
            .map(|(k, v)| (k.name.clone(), v.value.clone()))
            .collect()
    }

    #[test]
    fn numbers_are_read_in_every_notation() {
        let read = values("a = 1_000\nb = 0xff\nc = 0o17\nd = 0b101\ne = 1_0.5\nf = -inf\n");
        let expected = [
            ("a", DataValue::Int(1000)),
            ("b", DataValue::Int(255)),
            ("c", DataValue::Int(15)),
            ("d", DataValue::Int(5)),
            ("e", DataValue::Float(10.5)),
            ("f", DataValue::Float(f64::NEG_INFINITY)),
        ];
        let expected: Vec<(String, DataValue)> = expected
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn dates_are_strings_and_tables_nest() {
        let read = values("when = 2026-01-02\n[server]\nport = 80\n");
        let value = |name: &str| read.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(value("when"), Some(DataValue::Str("2026-01-02".into())));
        assert!(
            matches!(value("server"), Some(DataValue::Map(entries)) if entries[0].0.name == "port")
        );
    }
}
