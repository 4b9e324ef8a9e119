#include "runtime/aws/xml.h"

#include <expat.h>
#include <fmt/format.h>

#include <memory>

namespace wdsl::runtime::aws {

auto XmlElement::Child(const std::string& child) const -> const XmlElement* {
  for (const XmlElement& element : children) {
    if (element.name == child) return &element;
  }
  return nullptr;
}

auto XmlElement::ChildText(const std::string& child) const -> std::string {
  const XmlElement* element = Child(child);
  return element == nullptr ? "" : element->text;
}

auto XmlElement::Children(const std::string& child) const -> std::vector<const XmlElement*> {
  std::vector<const XmlElement*> out;
  for (const XmlElement& element : children) {
    if (element.name == child) out.push_back(&element);
  }
  return out;
}

namespace {

// The elements still open, innermost last; the root stays in `root`.
struct Builder {
  XmlElement root;
  std::vector<XmlElement*> open;
  bool has_root = false;
};

void OnStart(void* data, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto* builder = static_cast<Builder*>(data);
  if (builder->open.empty()) {
    builder->root.name = name;
    builder->has_root = true;
    builder->open.push_back(&builder->root);
    return;
  }
  // The parent's children vector may grow: only the innermost pointer is
  // used until its element closes, so earlier pointers stay valid.
  XmlElement& parent = *builder->open.back();
  parent.children.push_back(XmlElement{name, "", {}});
  builder->open.push_back(&parent.children.back());
}

void OnEnd(void* data, const XML_Char* /*name*/) { static_cast<Builder*>(data)->open.pop_back(); }

void OnText(void* data, const XML_Char* text, int length) {
  auto* builder = static_cast<Builder*>(data);
  if (!builder->open.empty()) builder->open.back()->text.append(text, static_cast<size_t>(length));
}

struct ParserDeleter {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

}  // namespace

auto ParseXml(const std::string& text, std::string* error) -> std::optional<XmlElement> {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreate("UTF-8"));
  Builder builder;
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  if (XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) != XML_STATUS_OK ||
      !builder.has_root) {
    if (error != nullptr) {
      *error = fmt::format("line {}: {}", XML_GetCurrentLineNumber(parser.get()),
                           XML_ErrorString(XML_GetErrorCode(parser.get())));
    }
    return std::nullopt;
  }
  return std::move(builder.root);
}

}  // namespace wdsl::runtime::aws
