//! The `union_names` fixture's renamed variants read and write the JSON they stand for: a unit
//! variant from a string `enum` is its string, a value no variant names falls to `Unknown`, and
//! variants named by their items, pinned values and required properties read what they did.

use serde_json::{from_value, json, to_value, Value};

use fixtures::union_names::model::*;

/// Reads `wire` as `T`, checks it is `want`, and that writing it gives `wire` back.
fn round_trip<T>(wire: Value, want: T)
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let read: T = from_value(wire.clone()).unwrap_or_else(|e| panic!("{wire}: {e}"));
    assert_eq!(read, want, "read {wire}");
    assert_eq!(to_value(&read).unwrap(), wire, "wrote {read:?}");
}

#[test]
fn unit_variants_are_their_strings() {
    round_trip(json!("auto"), ResponseFormat::Auto);
    round_trip(json!("none"), ToolChoice::None);
    round_trip(json!("auto"), ToolChoice::Auto);
    round_trip(json!("required"), ToolChoice::Required);
    round_trip(json!("auto"), Effort::Auto);
    round_trip(json!("low"), Level::Low);
    round_trip(json!("unknown"), Level::Unknown2);
}

#[test]
fn strings_no_variant_names_fall_to_the_catch_all() {
    round_trip(json!("minimal"), ResponseFormat::Unknown("minimal".to_owned()));
    round_trip(json!("any"), ToolChoice::Unknown("any".to_owned()));
    round_trip(json!("high"), Level::Unknown("high".to_owned()));
    round_trip(json!("manual"), Effort::String("manual".to_owned()));
    // Not a string: no variant reads it.
    assert!(from_value::<ToolChoice>(json!(true)).is_err());
    assert!(from_value::<ResponseFormat>(json!(null)).is_err());
}

#[test]
fn typed_variants_read_what_they_did() {
    round_trip(
        json!({"type": "text"}),
        ResponseFormat::Text(ResponseFormatText {
            r#type: ResponseFormatTextType::Text,
        }),
    );
    round_trip(
        json!({"name": "search"}),
        ToolChoice::Named(NamedToolChoice {
            name: "search".to_owned(),
        }),
    );
    round_trip(json!(7), Level::Integer(7));
    round_trip(json!("hi"), Prompt::String("hi".to_owned()));
    round_trip(json!(["a", "b"]), Prompt::Strings(vec!["a".into(), "b".into()]));
    round_trip(json!([1, 2]), Prompt::Integers(vec![1, 2]));
    round_trip(json!([[1], [2, 3]]), Prompt::Arrays(vec![vec![1], vec![2, 3]]));
    round_trip(json!({"file_id": "f"}), Source::FileId(SourceFileId {
        file_id: "f".to_owned(),
        name: None,
    }));
    round_trip(json!({"created": 1}), Event::Created(CreatedEvent { created: 1 }));
    round_trip(json!({"purrs": true}), Pet::PetCat(PetCat { purrs: true }));
    let message: Message = from_value(json!({"content": [{"type": "text", "text": "hi"}]})).unwrap();
    match message.content {
        MessageContent::ContentPartList(parts) => {
            assert!(matches!(&parts[..], [ContentPart::Text(ContentPartText { text, .. })] if text == "hi"));
        }
        other => panic!("read as {other:?}"),
    }
}
