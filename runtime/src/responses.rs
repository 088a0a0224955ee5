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
/// - `200 => Ok(json)`: a status and its body, read as `json`, `text` or `bytes "content/type"`;
/// - `200 => Ok { body: json, headers: OkHeaders { rate = "X-Rate" req } }`: with response
///   headers, each `req`uired or `opt`ional;
/// - `(400..=499) => Failed { status, body: json }`: a range or `_`, the variant keeping the
///   status it came with; these are matched after the exact codes, in the order given.
///
/// A status the table does not list is the client's `Error::UnexpectedStatus`. Attributes
/// before the name (the operation's `cfg`) go on both impls.
#[doc(hidden)]
#[macro_export]
macro_rules! responses {
    (@read $response:ident json) => { $response.json()? };
    (@read $response:ident text) => { $response.text()? };
    (@read $response:ident bytes $content_type:literal) => { $response.bytes()? };
    (@header $response:ident $wire:literal req) => { $response.required_header($wire)? };
    (@header $response:ident $wire:literal opt) => { $response.header($wire)? };
    (@reply $status:expr) => { $crate::server::Reply::empty($status) };
    (@reply $status:expr, $body:ident, json) => { $crate::server::Reply::json($status, &$body) };
    (@reply $status:expr, $body:ident, text) => { $crate::server::Reply::text($status, $body) };
    (@reply $status:expr, $body:ident, bytes $content_type:literal) => { $crate::server::Reply::bytes($status, $content_type, $body) };
    // A binding named by the caller, so the reply built next to it can use it.
    (@bind $shape:ident $binding:ident) => { $binding };
    // The entries are sorted, one at a time, into four groups by shape: bodiless, body only,
    // with headers, with their own status.
    ($(#[$attr:meta])* $name:ident { $($entries:tt)* }) => {
        $crate::responses!(@sort [$(#[$attr])*] $name [] [] [] [] $($entries)*);
    };
    (@sort $attrs:tt $name:ident [$($u:tt)*] $t:tt $h:tt $r:tt $code:literal => $variant:ident $(, $($rest:tt)*)?) => {
        $crate::responses!(@sort $attrs $name [$($u)* $code => $variant,] $t $h $r $($($rest)*)?);
    };
    (@sort $attrs:tt $name:ident $u:tt [$($t:tt)*] $h:tt $r:tt $code:literal => $variant:ident($($media:tt)+) $(, $($rest:tt)*)?) => {
        $crate::responses!(@sort $attrs $name $u [$($t)* $code => $variant($($media)+),] $h $r $($($rest)*)?);
    };
    (@sort $attrs:tt $name:ident $u:tt $t:tt [$($h:tt)*] $r:tt $code:literal => $variant:ident { $($shape:tt)* } $(, $($rest:tt)*)?) => {
        $crate::responses!(@sort $attrs $name $u $t [$($h)* $code => $variant { $($shape)* },] $r $($($rest)*)?);
    };
    (@sort $attrs:tt $name:ident $u:tt $t:tt $h:tt [$($r:tt)*] $pattern:tt => $variant:ident { $($shape:tt)* } $(, $($rest:tt)*)?) => {
        $crate::responses!(@sort $attrs $name $u $t $h [$($r)* $pattern => $variant { $($shape)* },] $($($rest)*)?);
    };
    (@sort [$($attrs:tt)*] $name:ident [$($u:tt)*] [$($t:tt)*] [$($h:tt)*] [$($r:tt)*]) => {
        $crate::responses!(@table $($attrs)* $name { $($u)*; $($t)*; $($h)*; $($r)* });
    };
    (
        @table
        $(#[$attr:meta])*
        $name:ident {
            $($unit_code:literal => $unit:ident,)* ;
            $($tuple_code:literal => $tuple:ident($tuple_media:ident $($tuple_type:literal)?),)* ;
            $($headed_code:literal => $headed:ident {
                $(body: $headed_media:ident $($headed_type:literal)?,)?
                headers: $headed_headers:ident { $($headed_field:ident = $headed_wire:literal $headed_presence:ident),* }
            },)* ;
            $($pattern:tt => $ranged:ident {
                status
                $(, body: $ranged_media:ident $($ranged_type:literal)?)?
                $(, headers: $ranged_headers:ident { $($ranged_field:ident = $ranged_wire:literal $ranged_presence:ident),* })?
            },)*
        }
    ) => {
        #[cfg(feature = "client")]
        $(#[$attr])*
        impl $crate::client::Decode for $name {
            #[allow(unreachable_patterns, unreachable_code, clippy::match_single_binding)]
            fn decode(response: $crate::client::RawResponse) -> ::core::result::Result<Self, $crate::client::Error> {
                ::core::result::Result::Ok(match response.status.as_u16() {
                    $($unit_code => Self::$unit,)*
                    $($tuple_code => Self::$tuple($crate::responses!(@read response $tuple_media $($tuple_type)?)),)*
                    $($headed_code => Self::$headed {
                        $(body: $crate::responses!(@read response $headed_media $($headed_type)?),)?
                        headers: $headed_headers { $($headed_field: $crate::responses!(@header response $headed_wire $headed_presence),)* },
                    },)*
                    $($pattern => Self::$ranged {
                        status: response.status.as_u16(),
                        $(body: $crate::responses!(@read response $ranged_media $($ranged_type)?),)?
                        $(headers: $ranged_headers { $($ranged_field: $crate::responses!(@header response $ranged_wire $ranged_presence),)* },)?
                    },)*
                    _ => return ::core::result::Result::Err(response.unexpected()),
                })
            }
        }
        #[cfg(feature = "server")]
        $(#[$attr])*
        impl $crate::server::Encode for $name {
            fn encode(self) -> $crate::server::Reply {
                match self {
                    $(Self::$unit => $crate::responses!(@reply $unit_code),)*
                    $(Self::$tuple(body) => $crate::responses!(@reply $tuple_code, body, $tuple_media $($tuple_type)?),)*
                    $(Self::$headed { $(body: $crate::responses!(@bind $headed_media body),)? headers } => {
                        $crate::responses!(@reply $headed_code $(, body, $headed_media $($headed_type)?)?)
                            $(.header($headed_wire, &headers.$headed_field))*
                    })*
                    $(Self::$ranged {
                        status
                        $(, body: $crate::responses!(@bind $ranged_media body))?
                        $(, headers: $crate::responses!(@bind $ranged_headers headers))?
                    } => {
                        $crate::responses!(@reply status $(, body, $ranged_media $($ranged_type)?)?)
                            $($(.header($ranged_wire, &headers.$ranged_field))*)?
                    })*
                }
            }
        }
    };
}
