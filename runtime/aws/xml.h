// The XML answers of S3 and STS, read with expat into a small tree. Only
// elements and their text are kept (attributes and namespaces are not needed
// by any answer the clients read).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wdsl::runtime::aws {

struct XmlElement {
  std::string name;
  std::string text;  // the character data directly inside this element
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  auto Child(const std::string& name) const -> const XmlElement*;
  // The text of the first child named `name`, "" when there is none.
  auto ChildText(const std::string& name) const -> std::string;
  // Every child named `name`, in document order.
  auto Children(const std::string& name) const -> std::vector<const XmlElement*>;
};

// The root element of `text`; nullopt with `error` set when it is not
// well-formed XML.
auto ParseXml(const std::string& text, std::string* error) -> std::optional<XmlElement>;

}  // namespace wdsl::runtime::aws
