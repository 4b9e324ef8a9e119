// Text helpers with JavaScript semantics, for the evaluator and its
// builtins: Wing runs on JavaScript, so numbers print as JS prints them and
// string indexes count UTF-16 code units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wdsl::ir {

// Number.prototype.toString(): "1", "1.5", "1e+21", "NaN", "-Infinity".
auto FormatNumber(double value) -> std::string;
void AppendNumber(std::string& out, double value);
// Number(text): trims whitespace, "" is 0, accepts "0x1f", "1e3", "Infinity";
// NaN when the text is not a number.
auto ParseJsNumber(std::string_view text) -> double;
// ToIntegerOrInfinity (NaN is 0, fractions truncate).
auto ToInteger(double value) -> double;

auto IsAscii(std::string_view text) -> bool;
// UTF-8 <-> UTF-16. Invalid UTF-8 and lone surrogates become U+FFFD.
auto ToUtf16(std::string_view text) -> std::u16string;
auto FromUtf16(std::u16string_view text) -> std::string;
// The JS `length` of a UTF-8 string.
auto Utf16Length(std::string_view text) -> size_t;

// Appends `text` as a JSON string literal, escaped as JSON.stringify does.
void AppendJsonString(std::string& out, std::string_view text);

// JS whitespace (String.prototype.trim): ASCII spaces, NBSP, BOM, the
// Unicode space separators, line and paragraph separators.
auto IsJsSpace(char16_t c) -> bool;
// ASCII and the common Latin, Greek and Cyrillic letters.
auto ToUpperUtf8(std::string_view text) -> std::string;
auto ToLowerUtf8(std::string_view text) -> std::string;

auto Base64Encode(std::string_view data, bool url) -> std::string;
auto Base64Decode(std::string_view text, bool url) -> std::string;
auto Sha256Hex(std::string_view data) -> std::string;

}  // namespace wdsl::ir
