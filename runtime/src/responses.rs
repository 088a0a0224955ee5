//! How an operation's response enum travels: decoded by the client, encoded by the server.
//!
//! Each response enum lists its variants once, as a table, in a `responses!` call; the macro
//! writes the client's `Decode` and the server's `Encode` impls from it, each under its
//! feature. The table is meant for the generated `operations.rs`, which imports the runtime as
//! `rt`.

/// `Decode` (client) and `Encode` (server) for a response enum.
///
/// `responses!(Name { 200 => Ok(json), 404 => NotFound, ... })`, one entry per variant:
/// - `400 => BadRequest`: a status without a body;
/// - `200 => Ok(json)`: a status and its body, read as `json`, `text` or `bytes "content/type"`
///   (`json` and `text` take the documented content type when it is not the usual one),
///   or streamed as `sse "text/event-stream"` (`rt::stream::EventStream`), `jsonl
///   "application/x-ndjson"` (`rt::stream::JsonLines`, also for JSON Lines and
///   `application/json-seq`) or `byte_stream "content/type"` (`rt::stream::ByteStream`);
/// - `200 => Ok { body: json, headers: OkHeaders { rate = "X-Rate" req } }`: with response
///   headers, each `req`uired or `opt`ional;
/// - `(400..=499) => Failed { status, body: json }`: a range or `_`, the variant keeping the
///   status it came with; these are matched after the exact codes, in the order given.
///
/// A streamed entry is chosen when its status matches and the response's `Content-Type` is its
/// content type, or whatever it is when the entry is marked `only` (`sse "text/event-stream"
/// only`: the status documents no other). So one status can list a JSON body and an event stream
/// (`200 => Ok(json), 200 => Events(sse "text/event-stream")`): the stream when the server
/// answers `text/event-stream`, JSON otherwise. An exact code claims its status: ranges and `_`
/// are not tried for it. Among ranges, the first whose status matches decides; list a range's
/// streamed entries before its buffered one.
///
/// A status the table does not list is the client's `Error::UnexpectedStatus`. Attributes
/// before the name (the operation's `cfg`) go on both impls. `responses!(Name buffered { ... })`
/// says the table has no streamed entry, so the client's stream methods keep their defaults
/// and the compiler expands less.
///
/// Every entry is expanded by a few helper rules, one after another, never by a recursion over
/// the table, so long tables need no `recursion_limit`.
#[doc(hidden)]
#[macro_export]
macro_rules! responses {
    (@read $response:ident json) => { $response.json()? };
    (@read $response:ident text) => { $response.text()? };
    (@read $response:ident json $content_type:literal) => { $response.json()? };
    (@read $response:ident text $content_type:literal) => { $response.text()? };
    (@read $response:ident bytes $content_type:literal) => { ::core::convert::From::from($response.bytes()?) };
    (@read $response:ident sse $content_type:literal) => { $response.event_stream() };
    (@read $response:ident jsonl $content_type:literal) => { $response.json_lines() };
    (@read $response:ident byte_stream $content_type:literal) => { $response.byte_stream() };
    (@header $response:ident $wire:literal req) => { $response.required_header($wire)? };
    (@header $response:ident $wire:literal opt) => { $response.header($wire)? };
    (@reply $status:expr) => { $crate::server::Reply::empty($status) };
    (@reply $status:expr, $body:ident, json) => { $crate::server::Reply::json($status, &$body) };
    (@reply $status:expr, $body:ident, text) => { $crate::server::Reply::text($status, $body) };
    (@reply $status:expr, $body:ident, json $content_type:literal) => { $crate::server::Reply::json_as($status, $content_type, &$body) };
    (@reply $status:expr, $body:ident, text $content_type:literal) => { $crate::server::Reply::text_as($status, $content_type, $body) };
    (@reply $status:expr, $body:ident, bytes $content_type:literal) => { $crate::server::Reply::bytes($status, $content_type, ::core::convert::From::from($body)) };
    (@reply $status:expr, $body:ident, sse $content_type:literal) => { $crate::server::Reply::sse($status, $body) };
    (@reply $status:expr, $body:ident, jsonl $content_type:literal) => { $crate::server::Reply::json_lines($status, $content_type, $body) };
    (@reply $status:expr, $body:ident, byte_stream $content_type:literal) => {
        $crate::server::Reply::byte_stream($status, $content_type, $body)
    };
    // A binding named by the caller, so the code built next to it can use it.
    (@bind $shape:ident $binding:ident) => { $binding };
    (@test $status:ident $code:literal) => { $status == $code };
    (@test $status:ident $pattern:tt) => { ::core::matches!($status, $pattern) };
    (@status $pattern:tt $status:ident) => { $status };
    (@status $pattern:tt) => { $pattern };
    (@accepts $found:ident $content_type:literal only) => { true };
    (@accepts $found:ident $content_type:literal) => { $crate::client::content_type_is($found, $content_type) };

    // One entry, for one part of an impl: exact codes, ranges (and `_`), or any.
    (@entry exact $mode:ident $args:tt $code:literal => $($entry:tt)*) => { $crate::responses!(@shape $mode $args [$code] $($entry)*) };
    (@entry exact $mode:ident $args:tt $pattern:tt => $($entry:tt)*) => {};
    (@entry ranged $mode:ident $args:tt $code:literal => $($entry:tt)*) => {};
    (@entry $part:ident $mode:ident $args:tt $pattern:tt => $($entry:tt)*) => { $crate::responses!(@shape $mode $args [$pattern] $($entry)*) };
    // Its shape, made uniform: `[status?] [field media content-type? only?] [headers?]`; a tuple
    // variant's body is field `0`.
    (@shape $mode:ident $args:tt $pattern:tt $variant:ident) => { $crate::responses!(@media $mode $args $pattern $variant [] [] []) };
    (@shape $mode:ident $args:tt $pattern:tt $variant:ident ($($media:tt)+)) => {
        $crate::responses!(@media $mode $args $pattern $variant [] [0 $($media)+] [])
    };
    // The user's own `status` token, so that the binding and its use match.
    (@shape $mode:ident $args:tt $pattern:tt $variant:ident { $keep:ident $(, $($fields:tt)*)? }) => {
        $crate::responses!(@fields $mode $args $pattern $variant [$keep] $($($fields)*)?)
    };
    (@shape $mode:ident $args:tt $pattern:tt $variant:ident { $($fields:tt)* }) => {
        $crate::responses!(@fields $mode $args $pattern $variant [] $($fields)*)
    };
    (@fields $mode:ident $args:tt $pattern:tt $variant:ident $status:tt
        body: $media:ident $($content_type:literal $($only:ident)?)? $(, headers: $headers:ident $fields:tt)? $(,)?) => {
        $crate::responses!(@media $mode $args $pattern $variant $status [body $media $($content_type $($only)?)?] [$($headers $fields)?])
    };
    (@fields $mode:ident $args:tt $pattern:tt $variant:ident $status:tt $(headers: $headers:ident $fields:tt)? $(,)?) => {
        $crate::responses!(@media $mode $args $pattern $variant $status [] [$($headers $fields)?])
    };
    // Its class: streamed or not.
    (@media $mode:ident $args:tt $pattern:tt $variant:ident $status:tt [$field:tt sse $($body:tt)*] $headers:tt) => {
        $crate::responses!(@do $mode stream $args $pattern $variant $status [$field sse $($body)*] $headers)
    };
    (@media $mode:ident $args:tt $pattern:tt $variant:ident $status:tt [$field:tt jsonl $($body:tt)*] $headers:tt) => {
        $crate::responses!(@do $mode stream $args $pattern $variant $status [$field jsonl $($body)*] $headers)
    };
    (@media $mode:ident $args:tt $pattern:tt $variant:ident $status:tt [$field:tt byte_stream $($body:tt)*] $headers:tt) => {
        $crate::responses!(@do $mode stream $args $pattern $variant $status [$field byte_stream $($body)*] $headers)
    };
    (@media $mode:ident $args:tt $pattern:tt $variant:ident $status:tt $body:tt $headers:tt) => {
        $crate::responses!(@do $mode buffered $args $pattern $variant $status $body $headers)
    };
    // `Decode::streams`: a streamed entry that takes the answer says yes; an entry that claims
    // the status without taking it says no.
    (@do streams buffered $($entry:tt)*) => {};
    (@do streams stream ($status:ident $found:ident) [$pattern:tt] $variant:ident $fields:tt
        [$field:tt $media:ident $content_type:literal $($only:ident)?] $headers:tt) => {
        if $crate::responses!(@test $status $pattern) && $crate::responses!(@accepts $found $content_type $($only)?) {
            return true;
        }
    };
    (@do claims $class:ident ($status:ident $found:ident) [$pattern:tt] $($entry:tt)*) => {
        if $crate::responses!(@test $status $pattern) {
            return false;
        }
    };
    (@do first stream $($entry:tt)*) => { $crate::responses!(@do streams stream $($entry)*) };
    (@do first buffered $($entry:tt)*) => { $crate::responses!(@do claims buffered $($entry)*) };
    // `Decode::decode`: buffered entries only.
    (@do decode stream $($entry:tt)*) => {};
    (@do decode buffered ($response:ident $status:ident) [$pattern:tt] $variant:ident [$($keep:ident)?]
        [$($field:tt $media:ident $($content_type:literal)?)?] [$($headers:ident { $($name:ident = $wire:literal $presence:ident),* })?]) => {
        if $crate::responses!(@test $status $pattern) {
            return ::core::result::Result::Ok(Self::$variant {
                $($keep: $status,)?
                $($field: $crate::responses!(@read $response $media $($content_type)?),)?
                $(headers: $headers { $($name: $crate::responses!(@header $response $wire $presence),)* },)?
            });
        }
    };
    // `Decode::decode_stream`: streamed entries only, their headers read before the body.
    (@do decode_stream buffered $($entry:tt)*) => {};
    (@do decode_stream stream ($response:ident $status:ident $found:ident) [$pattern:tt] $variant:ident [$($keep:ident)?]
        [$field:tt $media:ident $content_type:literal $($only:ident)?]
        [$($headers:ident { $($name:ident = $wire:literal $presence:ident),* })?]) => {
        if $crate::responses!(@test $status $pattern) && $crate::responses!(@accepts $found $content_type $($only)?) {
            $(let headers = $headers { $($name: $crate::responses!(@header $response $wire $presence),)* };)?
            return ::core::result::Result::Ok(Self::$variant {
                $($keep: $status,)?
                $field: $crate::responses!(@read $response $media $content_type),
                $(headers: $crate::responses!(@bind $headers headers),)?
            });
        }
    };
    // `Encode::encode`: the variant's pattern, then its reply.
    (@do pattern $class:ident ($body:ident $bound:ident) $pattern:tt $variant:ident [$($keep:ident)?] [$($field:tt $($media:tt)*)?]
        [$($headers:ident $fields:tt)?]) => {
        Self::$variant { $($keep,)? $($field: $body,)? $(headers: $crate::responses!(@bind $headers $bound),)? }
    };
    (@do encode $class:ident ($body:ident $bound:ident) [$pattern:tt] $variant:ident [$($keep:ident)?]
        [$($field:tt $media:ident $($content_type:literal $($only:ident)?)?)?]
        [$($headers:ident { $($name:ident = $wire:literal $presence:ident),* })?]) => {
        $crate::responses!(@reply $crate::responses!(@status $pattern $($keep)?) $(, $body, $media $($content_type)?)?)
            $($(.header($wire, &$bound.$name))*)?
    };
    // `Decode::decode`, the same for every table: exact codes, then ranges and `_`.
    (@decode { $($pattern:tt => $variant:ident $(($($tuple:tt)*))? $({ $($braced:tt)* })?),* }) => {
        #[allow(unused_variables)]
        fn decode(response: $crate::client::RawResponse) -> ::core::result::Result<Self, $crate::client::Error> {
            let status = response.status.as_u16();
            $($crate::responses!(@entry exact decode (response status) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?);)*
            $($crate::responses!(@entry ranged decode (response status) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?);)*
            ::core::result::Result::Err(response.unexpected())
        }
    };
    // `Encode::encode`, the server's half.
    (@encode $(#[$attr:meta])* $name:ident { $($pattern:tt => $variant:ident $(($($tuple:tt)*))? $({ $($braced:tt)* })?),* $(,)? }) => {
        #[cfg(feature = "server")]
        $(#[$attr])*
        impl $crate::server::Encode for $name {
            fn encode(self) -> $crate::server::Reply {
                match self {
                    $(
                        $crate::responses!(@entry any pattern (body headers) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?) =>
                            $crate::responses!(@entry any encode (body headers) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?),
                    )*
                }
            }
        }
    };
    // A table without streamed entries: `Decode`'s default `streams` and `decode_stream` hold
    // (the generator marks such tables, most of them, so each entry is expanded for one client
    // method rather than four).
    (
        $(#[$attr:meta])*
        $name:ident buffered { $($pattern:tt => $variant:ident $(($($tuple:tt)*))? $({ $($braced:tt)* })?),* $(,)? }
    ) => {
        #[cfg(feature = "client")]
        $(#[$attr])*
        impl $crate::client::Decode for $name {
            $crate::responses!(@decode { $($pattern => $variant $(($($tuple)*))? $({ $($braced)* })?),* });
        }
        $crate::responses!(@encode $(#[$attr])* $name { $($pattern => $variant $(($($tuple)*))? $({ $($braced)* })?),* });
    };
    (
        $(#[$attr:meta])*
        $name:ident { $($pattern:tt => $variant:ident $(($($tuple:tt)*))? $({ $($braced:tt)* })?),* $(,)? }
    ) => {
        #[cfg(feature = "client")]
        $(#[$attr])*
        impl $crate::client::Decode for $name {
            #[allow(unused_variables)]
            fn streams(status: u16, content_type: ::core::option::Option<&str>) -> bool {
                $($crate::responses!(@entry exact streams (status content_type) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?);)*
                $($crate::responses!(@entry exact claims (status content_type) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?);)*
                $($crate::responses!(@entry ranged first (status content_type) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?);)*
                false
            }

            $crate::responses!(@decode { $($pattern => $variant $(($($tuple)*))? $({ $($braced)* })?),* });

            #[allow(unused_variables)]
            fn decode_stream(response: $crate::client::StreamedResponse) -> ::core::result::Result<Self, $crate::client::Error> {
                let status = response.status.as_u16();
                let found = response.content_type();
                let content_type = found.as_deref();
                $($crate::responses!(
                    @entry exact decode_stream (response status content_type) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?
                );)*
                $($crate::responses!(
                    @entry ranged decode_stream (response status content_type) $pattern => $variant $(($($tuple)*))? $({ $($braced)* })?
                );)*
                ::core::result::Result::Err(response.unexpected())
            }
        }
        $crate::responses!(@encode $(#[$attr])* $name { $($pattern => $variant $(($($tuple)*))? $({ $($braced)* })?),* });
    };
}
