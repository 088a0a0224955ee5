//! Serde round trips of the fixtures' generated models for what schema examples cannot express:
//! absent vs `null` vs a value, rejected input, the tag of a discriminated union, variant order.
//!
//! `compile.rs` copies this file into the fixture crate's `tests/` (it is not a test of the
//! generator crate itself) and runs `cargo test` there.

use fixtures::{allof, enums, formats, maps, names, nullable, recursive, required, unions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Reads `value` as `T`, checks it writes back unchanged, and returns the model.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(value: Value) -> T {
    let model: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
    assert_eq!(serde_json::to_value(&model).unwrap(), value);
    model
}

/// The error `T` gives for `value`; panics when `T` accepts it.
fn rejects<T: DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(model) => panic!("{value} was accepted as {model:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn nullable_and_optional_keep_three_states_apart() {
    use nullable::model::Presence;
    let absent: Presence = round_trip(json!({"required_plain": "a", "required_nullable": null}));
    assert_eq!(absent.optional_nullable, None);
    assert_eq!(absent.required_nullable, None);
    assert_eq!(absent.optional_plain, None);
    let null: Presence = round_trip(
        json!({"required_plain": "a", "required_nullable": null, "optional_nullable": null}),
    );
    assert_eq!(null.optional_nullable, Some(None));
    let value: Presence = round_trip(
        json!({"required_plain": "a", "required_nullable": "b", "optional_nullable": 7}),
    );
    assert_eq!(value.optional_nullable, Some(Some(7)));
    assert_eq!(value.required_nullable.as_deref(), Some("b"));
    // A required nullable property left out reads as `null`: servers often omit it, and a
    // client that refused the whole answer for it would help nobody. It is always written.
    let omitted: Presence = serde_json::from_value(json!({"required_plain": "a"})).expect("reads");
    assert_eq!(omitted.required_nullable, None);
    assert_eq!(
        serde_json::to_value(&omitted).expect("writes")["required_nullable"],
        serde_json::Value::Null
    );
    rejects::<Presence>(json!({"required_nullable": null}));
    // A property that is not nullable does not take `null` back out: it is simply absent.
    let plain: Presence = serde_json::from_value(
        json!({"required_plain": "a", "required_nullable": null, "optional_plain": null}),
    )
    .unwrap();
    assert_eq!(plain.optional_plain, None);
    // `int32` is checked on read.
    rejects::<Presence>(
        json!({"required_plain": "a", "required_nullable": null, "optional_nullable": 2147483648_i64}),
    );
}

#[test]
fn array_items_and_map_values_may_be_null_where_the_schema_says_so() {
    use nullable::model::{Sparse, Thing};
    let sparse: Sparse =
        round_trip(json!({"numbers": [1, null], "labels": {"a": null}, "things": [null, {}]}));
    assert_eq!(sparse.numbers, Some(vec![Some(1), None]));
    assert_eq!(sparse.labels.unwrap()["a"], None);
    assert_eq!(sparse.things, Some(vec![None, Some(Thing::default())]));
}

#[test]
fn defaults_read_only_and_write_only_are_plain_optional_fields() {
    use nullable::model::Presence;
    // The spec's `default` is documented, not injected: absence stays absence on the wire.
    let model: Presence = round_trip(json!({"required_plain": "a", "required_nullable": null}));
    assert_eq!(model.defaulted, None);
    // Both directions carry both kinds of field, so one type serves requests and responses.
    let model: Presence = round_trip(
        json!({"required_plain": "a", "required_nullable": null, "read_only": "r", "write_only": "w"}),
    );
    assert_eq!(
        (model.read_only.as_deref(), model.write_only.as_deref()),
        (Some("r"), Some("w"))
    );
}

#[test]
fn all_of_chains_merge_required_properties() {
    use allof::model::{Dog, Holder, Kennel};
    let dog: Dog = round_trip(
        json!({"id": "5f3e1c52-8f4e-4c3a-9d3e-2b8f0c1d2e3f", "name": "Rex", "bark": true}),
    );
    assert_eq!(dog.name, "Rex");
    // `name` is optional in `Base` but required by `Pet`; `bark` by `Dog` itself.
    rejects::<Dog>(json!({"id": "5f3e1c52-8f4e-4c3a-9d3e-2b8f0c1d2e3f", "bark": true}));
    rejects::<Dog>(json!({"id": "5f3e1c52-8f4e-4c3a-9d3e-2b8f0c1d2e3f", "name": "Rex"}));
    rejects::<Dog>(json!({"id": "not-a-uuid", "name": "Rex", "bark": true}));
    // `nullable` beside an `allOf` of one `$ref`: absent, `null` and a dog.
    assert_eq!(round_trip::<Holder>(json!({})).maybe_dog, None);
    assert_eq!(
        round_trip::<Holder>(json!({"maybe_dog": null})).maybe_dog,
        Some(None)
    );
    let kennel: Kennel = round_trip(json!({
        "dog": {"id": "5f3e1c52-8f4e-4c3a-9d3e-2b8f0c1d2e3f", "name": "Rex", "bark": true},
        "spare": {"id": "5f3e1c52-8f4e-4c3a-9d3e-2b8f0c1d2e3f", "name": "Spot", "bark": false}
    }));
    assert_eq!(kennel.spare.unwrap().unwrap().name, "Spot");
}

#[test]
fn discriminated_unions_read_the_tag_and_keep_it() {
    use unions::model::{Application, ApplicationServiceType, Database, Service, Shape};
    // `Application` lists the tag property itself; it still sees it.
    let app: Service = round_trip(json!({"service_type": "APPLICATION", "name": "web"}));
    assert_eq!(app.tag(), "APPLICATION");
    assert_eq!(Service::TAG, "service_type");
    match &app {
        Service::Application(Application { service_type, name }) => {
            assert_eq!(*service_type, ApplicationServiceType::Application);
            assert_eq!(name, "web");
        }
        other => panic!("wrong variant: {other:?}"),
    }
    // `Database` does not list it; writing adds it back.
    let db = Service::Database(Database {
        engine: "PG".to_owned(),
    });
    assert_eq!(
        serde_json::to_value(&db).unwrap(),
        json!({"service_type": "DATABASE", "engine": "PG"})
    );
    assert_eq!(
        round_trip::<Service>(json!({"service_type": "DATABASE", "engine": "PG"})),
        db
    );
    // A wrong, missing or non-string tag is an error naming the problem, not another variant.
    assert!(rejects::<Service>(json!({"service_type": "NOPE", "engine": "PG"})).contains("NOPE"));
    assert!(rejects::<Service>(json!({"engine": "PG"})).contains("service_type"));
    rejects::<Service>(json!({"service_type": 1, "engine": "PG"}));
    // The tag selects the variant even when another variant's fields are present.
    rejects::<Service>(json!({"service_type": "DATABASE", "name": "web"}));
    // Without a mapping, the schema name is the tag value.
    let circle: Shape = round_trip(json!({"kind": "Circle", "radius": 0.5}));
    assert_eq!(circle.tag(), "Circle");
    let square: Shape = round_trip(json!({"kind": "Square", "side": 3}));
    assert_eq!(square.tag(), "Square");
}

#[test]
fn untagged_unions_try_the_most_specific_variant_first() {
    use unions::model::{AnyNumber, Untagged};
    // Both structs accept this object (extra keys are ignored); the one with more required
    // properties is tried first.
    let both = json!({"service_type": "APPLICATION", "name": "api", "engine": "PG"});
    assert!(matches!(
        serde_json::from_value::<Untagged>(both).unwrap(),
        Untagged::Application(_)
    ));
    assert!(matches!(
        round_trip::<Untagged>(json!({"engine": "PG"})),
        Untagged::Database(_)
    ));
    assert_eq!(round_trip::<Untagged>(json!(42)), Untagged::Integer(42));
    assert_eq!(
        round_trip::<Untagged>(json!("42")),
        Untagged::String("42".to_owned())
    );
    // The integer variant comes before the number variant, so integers stay integers.
    assert_eq!(round_trip::<AnyNumber>(json!(3)), AnyNumber::Integer(3));
    assert_eq!(round_trip::<AnyNumber>(json!(3.5)), AnyNumber::Number(3.5));
    rejects::<Untagged>(json!(true));
}

#[test]
fn recursive_and_mutually_recursive_types_nest() {
    use recursive::model::{Node, Ping};
    let mut deep = json!({"value": 0});
    for value in 1..50 {
        deep = json!({"value": value, "next": deep, "children": [{"value": -value}]});
    }
    let node: Node = round_trip(deep);
    assert_eq!(node.value, 49);
    assert_eq!(node.next.unwrap().next.unwrap().value, 47);
    let ping: Ping = round_trip(json!({"pong": {"ping": {"pong": {"ping": {}}}}}));
    assert!(ping.pong.unwrap().ping.unwrap().pong.is_some());
}

/// Documents nested as deep as serde_json allows (128 levels) read on a 2 MiB thread, the stack
/// of a tokio worker, whether the nesting is in model types or in a free-form value.
#[test]
fn nesting_to_serde_json_limit_fits_a_worker_thread() {
    use maps::model::AnyExtra;
    use recursive::model::Node;
    let read = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut text = String::from(r#"{"value": 0}"#);
            for value in 1..127 {
                text = format!(r#"{{"value": {value}, "next": {text}}}"#);
            }
            let node: Node = serde_json::from_str(&text).unwrap();
            assert_eq!(node.value, 126);
            let too_deep = format!(r#"{{"value": -1, "next": {text}}}"#);
            let too_deep = format!(r#"{{"value": -2, "next": {too_deep}}}"#);
            let error = serde_json::from_str::<Node>(&too_deep).unwrap_err();
            assert!(error.to_string().contains("recursion limit"), "{error}");
            let value = format!(r#"{{"x": {}1{}}}"#, "[".repeat(126), "]".repeat(126));
            let extra: AnyExtra = serde_json::from_str(&value).unwrap();
            assert_eq!(extra.additional_properties.len(), 1);
        })
        .unwrap()
        .join();
    assert!(read.is_ok());
}

#[test]
fn additional_properties_true_schema_and_false() {
    use maps::model::{AnyExtra, Closed, Counters, FreeForm, Labels};
    let extra: AnyExtra = round_trip(json!({"known": "k", "x": [1, null], "y": {"z": true}}));
    assert_eq!(extra.known.as_deref(), Some("k"));
    assert_eq!(extra.additional_properties.len(), 2);
    assert!(!extra.additional_properties.contains_key("known"));
    let labels: Labels = round_trip(json!({"a": "1", "": ""}));
    assert_eq!(labels.len(), 2);
    rejects::<Labels>(json!({"a": 1}));
    let counters: Counters = round_trip(json!({"a": {"count": 3}, "b": {}}));
    assert_eq!(counters["a"].count, Some(3));
    let free: FreeForm = round_trip(json!({"anything": [1, "two", {"three": null}]}));
    assert_eq!(free.len(), 1);
    rejects::<FreeForm>(json!([1]));
    // `additionalProperties: false` keeps no extra keys: they are not read, so not written back.
    let closed: Closed = serde_json::from_value(json!({"only": "o", "extra": 1})).unwrap();
    assert_eq!(serde_json::to_value(&closed).unwrap(), json!({"only": "o"}));
}

#[test]
fn string_and_integer_enums_keep_odd_and_unknown_values() {
    use enums::model::{Odd, Priority, Switch, WithNull};
    let values = [
        "", "a b", "1", "a_b", "A-B", "self", "Unknown", "type", "aB", "A_B",
    ];
    let parsed: Vec<Odd> = values.iter().map(|v| round_trip(json!(v))).collect();
    // Values that collide after case conversion still get distinct variants.
    let mut distinct = parsed.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), values.len(), "{parsed:?}");
    assert!(
        parsed.iter().all(|v| !matches!(v, Odd::Unknown(_))),
        "{parsed:?}"
    );
    assert_eq!(
        parsed[6],
        Odd::Unknown2,
        "the listed value `Unknown` is not the catch-all"
    );
    assert_eq!(
        round_trip::<Odd>(json!("new")),
        Odd::Unknown("new".to_owned())
    );
    assert_eq!(Odd::AB.as_str(), "a b");
    rejects::<Odd>(json!(1));
    rejects::<Odd>(json!({"a b": null}));
    assert_eq!(round_trip::<Priority>(json!(-3)), Priority::Minus3);
    assert_eq!(round_trip::<Priority>(json!(7)), Priority::Unknown(7));
    rejects::<Priority>(json!("1"));
    // A nullable enum behind a `$ref`: absent, `null` and a value.
    assert_eq!(round_trip::<Switch>(json!({})).state, None);
    assert_eq!(
        round_trip::<Switch>(json!({"state": null})).state,
        Some(None)
    );
    assert_eq!(
        round_trip::<Switch>(json!({"state": "on"})).state,
        Some(Some(WithNull::On))
    );
}

#[test]
fn formats_map_to_checked_types() {
    use formats::model::Formats;
    let id = "5f3e1c52-8f4e-4c3a-9d3e-2b8f0c1d2e3f";
    let model: Formats = round_trip(json!({
        "a": id, "b": "2024-01-02T03:04:05.678Z", "c": "2024-02-29", "d": -2147483648_i64,
        "e": 9007199254740993_i64, "f": 0.5, "g": 0.1, "h": "aGVsbG8=", "j": "x@y.z", "l": 1.5, "m": 3
    }));
    assert_eq!(model.a.to_string(), id);
    assert_eq!(model.e, Some(9007199254740993), "int64 keeps every digit");
    rejects::<Formats>(json!({"a": "nope"}));
    rejects::<Formats>(json!({"a": id, "b": "yesterday"}));
    rejects::<Formats>(json!({"a": id, "c": "2023-02-29"}));
    rejects::<Formats>(json!({"a": id, "d": 2147483648_i64}));
    rejects::<Formats>(json!({"a": id, "m": 1.5}));
    // `date-time` is written in UTC: the same instant, another spelling.
    let shifted: Formats =
        serde_json::from_value(json!({"a": id, "b": "2024-01-02T05:04:05+02:00"})).unwrap();
    assert_eq!(
        serde_json::to_value(&shifted).unwrap()["b"],
        json!("2024-01-02T03:04:05Z")
    );
}

#[test]
fn keyword_digit_and_symbol_names_keep_their_wire_names() {
    use names::model::{_2faConfig, Result as Names, Self_};
    let wire = json!({"type": "t", "self": "s", "crate": "c", "async": "a", "2fa": true, "@id": "i", "fooBar": "x", "foo_bar": "y"});
    let model: Names = round_trip(wire);
    assert_eq!(model.r#type.as_deref(), Some("t"));
    assert_eq!(model.self_.as_deref(), Some("s"));
    assert_eq!(model._2fa, Some(true));
    assert_eq!(
        (model.foo_bar.as_deref(), model.foo_bar_2.as_deref()),
        (Some("x"), Some("y"))
    );
    assert_eq!(
        round_trip::<Self_>(json!({"box": "b"})).r#box.as_deref(),
        Some("b")
    );
    assert_eq!(round_trip::<_2faConfig>(json!({"on": true})).on, Some(true));
}

#[test]
fn null_only_enums_are_unit_and_enums_listing_null_are_nullable() {
    use enums::model::{Level, MaybeColor, Nulls, OnlyNull, Untyped};
    // `enum: [null]` is `()`: `null` is its one value.
    round_trip::<OnlyNull>(json!(null));
    rejects::<OnlyNull>(json!("null"));
    rejects::<OnlyNull>(json!({}));
    let all: Nulls = round_trip(json!({
        "always": null, "color": null, "maybe": null, "colors": ["red", null],
        "level": 2, "untyped": null, "nulls": [null, null], "inline_level": null
    }));
    assert_eq!(all.always, None);
    assert_eq!(all.maybe, Some(None));
    assert_eq!(all.colors, Some(vec![Some(MaybeColor::Red), None]));
    assert_eq!(all.level, Some(Some(Level::V2)));
    assert_eq!(all.untyped, Some(None));
    assert_eq!(all.nulls, Some(vec![(), ()]));
    let values: Nulls = round_trip(json!({"always": null, "color": "green", "untyped": "down"}));
    assert_eq!(values.color, Some(MaybeColor::Green));
    assert_eq!(values.untyped, Some(Some(Untyped::Down)));
    assert_eq!(values.maybe, None);
    // A null-only property takes nothing but `null`.
    rejects::<Nulls>(json!({"always": 1, "color": null}));
    rejects::<Nulls>(json!({"always": null, "color": null, "nulls": ["x"]}));
}

#[test]
fn all_of_annotation_members_leave_the_type_bearing_member_s_type() {
    use allof::model::{Annotated, Counts, DescribedMood, DescribedTags, Mood, NullableTags, Tags};
    // Aliases of the member's type, whatever its kind.
    let tags: DescribedTags = vec!["a".to_owned()];
    let _: Tags = tags.clone();
    let _: NullableTags = tags;
    let _: Mood = DescribedMood::Happy;
    let _: Counts = std::collections::BTreeMap::from([("a".to_owned(), 1_i64)]);
    let model: Annotated = round_trip(json!({
        "tags": ["x"], "ints": [1, 2], "maybe_tags": null, "described": ["d"], "mood": "sad",
        "counts": {"a": 1}, "labels": ["l"], "inline": {"b": 2}
    }));
    assert_eq!(model.ints, Some(vec![1, 2]));
    // `nullable: true` in an annotation member makes the use nullable.
    assert_eq!(model.maybe_tags, Some(None));
    assert_eq!(model.mood, Some(Mood::Sad));
    let tags: Annotated = round_trip(json!({"maybe_tags": ["t"]}));
    assert_eq!(tags.maybe_tags, Some(Some(vec!["t".to_owned()])));
    rejects::<Annotated>(json!({"tags": {}}));
    rejects::<Annotated>(json!({"counts": {"a": "x"}}));
}

#[test]
fn required_properties_that_properties_do_not_define_stay_required() {
    use required::model::{EditRequest, Labels, Merged};
    // A typed request carries it; it is always written.
    let edit: EditRequest = round_trip(json!({"name": "n", "plan": {"tier": 2}}));
    assert_eq!(edit.plan, Some(json!({"tier": 2})));
    let unset = EditRequest { name: "n".to_owned(), plan: None };
    assert_eq!(serde_json::to_value(&unset).unwrap(), json!({"name": "n", "plan": null}));
    // A response that leaves it out (the name is often the spec's mistake) is still read.
    let absent: EditRequest = serde_json::from_value(json!({"name": "n"})).unwrap();
    assert_eq!(absent, unset);
    let labels: Labels = round_trip(json!({"owner": "o", "other": "x"}));
    assert_eq!(labels.owner.as_deref(), Some("o"));
    assert_eq!(labels.additional_properties["other"], "x");
    rejects::<Labels>(json!({"owner": 1}));
    let merged: Merged = round_trip(json!({"name": "n", "plan": 1, "id": 3, "extra": [1]}));
    assert_eq!((merged.id, merged.extra), (3, Some(json!([1]))));
    rejects::<Merged>(json!({"plan": 1, "id": 3, "extra": [1]}));
}

#[test]
fn aliases_that_contain_themselves_are_newtypes_that_nest() {
    use recursive::model::{Dict, Forest, Holder, List, Sparse, Tree};
    let dict: Dict = round_trip(json!({"a": {"b": {"c": {}}}, "d": {}}));
    assert_eq!(dict["a"]["b"]["c"], Dict::default());
    assert_eq!(dict.len(), 2);
    let list: List = round_trip(json!([[], [[[]], []]]));
    assert_eq!(list[1][0], List(vec![List::default()]));
    let forest: Forest = round_trip(json!([{"oak": [{"elm": []}]}, {}]));
    let tree: &Tree = &forest[0];
    assert_eq!(tree["oak"][0]["elm"], Forest::default());
    let sparse: Sparse = round_trip(json!({"a": null, "b": [{"c": null}, {}]}));
    assert_eq!(sparse["a"], None);
    let holder: Holder = round_trip(json!({"dict": {"x": {}}, "forest": [], "grid": [[[]]]}));
    assert_eq!(holder.grid, Some(vec![List(vec![List::default()])]));
    rejects::<Dict>(json!({"a": []}));
    rejects::<List>(json!([{}]));
    // Nested to serde_json's limit and back.
    let mut deep = json!([]);
    for _ in 0..100 {
        deep = json!([deep]);
    }
    round_trip::<List>(deep);
}

#[test]
fn hostile_property_names_and_enum_values_keep_their_wire_names() {
    use names::model::{Default as Default_, Err, Hostile, Weird};
    let wire = json!({
        "foo": 1, "bar": 2, "baz": 3, "quux": 4, "self": "s", "Self": "S", "type": "t",
        "r#": "r", "_": "u", "__": "uu", "0": 0, "123abc": "n", "名前": "name", "ñame": "ene",
        "Foo": "F", "FOO": "FF", "a-b": "ab", "a_b": "a_b",
        "nine": [[[[[[[[[1]]]]]]]]], "weird": "+1"
    });
    let model: Hostile = round_trip(wire);
    assert_eq!((model.foo, model.bar, model.baz, model.quux), (1, Some(2), Some(3), Some(4)));
    assert_eq!(model.nine.as_ref().map(|n| n[0][0][0][0][0][0][0][0][0]), Some(1));
    for value in ["", "-", "+1", "1", "a b", "A", "a", "a-b", "a_b", "HTTP", "Unknown", "new"] {
        let weird: Weird = round_trip(json!(value));
        assert_eq!(weird.as_str(), value);
    }
    assert!(matches!(round_trip::<Weird>(json!("new")), Weird::Unknown(_)));
    assert_eq!(round_trip::<Err>(json!("None")).as_str(), "None");
    let _ = Default_::default();
}

#[test]
fn a_discriminator_value_selects_one_variant() {
    use unions::model::{Clashing, Database};
    // The mapping sends `Application` to `Database`, and wins over the implicit name.
    let read: Clashing = round_trip(json!({"service_type": "Application", "engine": "pg"}));
    assert!(matches!(read, Clashing::Database(Database { ref engine, .. }) if engine == "pg"));
    rejects::<Clashing>(json!({"service_type": "Database", "engine": "pg"}));
}

#[test]
fn a_discriminator_value_shared_by_variants_takes_the_first_that_reads() {
    use unions::model::{ConversationItem, FunctionCall, InputMessage, OutputMessage};
    let input: ConversationItem = round_trip(json!({"type": "message", "role": "user", "content": "hi"}));
    assert!(matches!(input, ConversationItem::InputMessage(InputMessage { ref content, .. }) if content == "hi"));
    // Not an input message (no `role`, no `content`): the output message reads it.
    let output: ConversationItem = round_trip(json!({"type": "message", "id": "msg_1", "status": "completed"}));
    assert!(matches!(output, ConversationItem::OutputMessage(OutputMessage { ref id, .. }) if id == "msg_1"));
    let call: ConversationItem = round_trip(json!({"type": "function_call", "name": "f"}));
    assert!(matches!(call, ConversationItem::FunctionCall(FunctionCall { ref name, .. }) if name == "f"));
    // Read from text too (the one-pass reader), with the tag anywhere in the object.
    let text = r#"{"id": "msg_2", "status": "done", "type": "message"}"#;
    assert!(matches!(serde_json::from_str(text).unwrap(), ConversationItem::OutputMessage(_)));
    let text = r#"{"type": "function_call", "name": "g"}"#;
    assert!(matches!(serde_json::from_str(text).unwrap(), ConversationItem::FunctionCall(_)));
    rejects::<ConversationItem>(json!({"type": "message", "name": "neither"}));
    rejects::<ConversationItem>(json!({"type": "other", "name": "f"}));
    rejects::<ConversationItem>(json!({"name": "f"}));
}

/// The one-pass tagged reader sees the tag wherever it is, and errors keep serde_json's position.
#[test]
fn tagged_unions_read_from_text_with_the_tag_anywhere() {
    use unions::model::Service;
    for text in [r#"{"service_type": "APPLICATION", "name": "web"}"#, r#"{"name": "web", "service_type": "APPLICATION"}"#] {
        let service: Service = serde_json::from_str(text).unwrap();
        assert!(matches!(service, Service::Application(_)), "{text}");
        assert_eq!(serde_json::to_value(&service).unwrap(), serde_json::from_str::<Value>(text).unwrap());
    }
    let error = serde_json::from_str::<Service>("{\n\"service_type\": \"APPLICATION\",\n\"name\": 5}").unwrap_err();
    assert_eq!(error.line(), 3, "{error}");
    assert!(error.to_string().starts_with("invalid type: integer `5`, expected a string"), "{error}");
}

#[test]
fn unions_that_contain_each_other_by_value_are_flattened_or_boxed() {
    use recursive::model::{Expr, Flag, Tagged, Term, Wrapper, WrapperInner};
    // Each union of the cycle takes the others' variants: no recursion, and a value that no
    // variant accepts is refused instead of recursing until the stack overflows.
    assert_eq!(round_trip::<Expr>(json!(3)), Expr::Integer(3));
    assert_eq!(round_trip::<Expr>(json!("x")), Expr::String("x".to_owned()));
    assert_eq!(round_trip::<Term>(json!("x")), Term::Expr(Expr::String("x".to_owned())));
    rejects::<Expr>(json!(true));
    rejects::<Term>(json!(null));
    assert_eq!(round_trip::<Flag>(json!(false)), Flag::Boolean(false));
    rejects::<Flag>(json!("no"));
    // Through a struct, the union nests in the JSON too, and the variant is boxed.
    let nested: Tagged = round_trip(json!({"kind": "Wrapper", "inner": {"kind": "Wrapper", "inner": "x"}}));
    let Tagged::Wrapper(outer) = nested;
    let Wrapper { inner, .. } = *outer;
    assert!(matches!(*inner, WrapperInner::Tagged(_)));
}
