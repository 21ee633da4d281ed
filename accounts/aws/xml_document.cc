#include "accounts/aws/xml_document.h"

#include <expat.h>
#include <malloc.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "signer/credentials.h"

namespace govd::accounts {

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const auto& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  return child != nullptr ? child->text : std::string();
}

const XmlElement* XmlElement::Find(std::initializer_list<std::string_view> path) const {
  const XmlElement* at = this;
  for (std::string_view step : path) {
    at = at->Child(step);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::vector<const XmlElement*> XmlElement::ChildrenNamed(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& child : children) {
    if (child.name == child_name) out.push_back(&child);
  }
  return out;
}

namespace {

// expat's memory: its buffers hold the document, so each is wiped before it is freed.
void* PlainMalloc(std::size_t size) { return std::malloc(size); }

void WipingFree(void* block) {
  if (block == nullptr) return;
  OPENSSL_cleanse(block, malloc_usable_size(block));
  std::free(block);
}

void* WipingRealloc(void* block, std::size_t size) {
  if (block == nullptr) return std::malloc(size);
  void* grown = std::malloc(size);
  if (grown == nullptr) return nullptr;  // as realloc: the old block stays
  std::memcpy(grown, block, std::min(size, malloc_usable_size(block)));
  WipingFree(block);
  return grown;
}

const XML_Memory_Handling_Suite kWipingMemory{&PlainMalloc, &WipingRealloc, &WipingFree};

struct ParserDeleter {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

// The state the expat callbacks build the tree in.
class TreeBuilder {
 public:
  explicit TreeBuilder(XML_Parser parser) : parser_(parser) {}

  void Open(const char* name) {
    if (stack_.size() >= kMaxXmlDepth) return Fail("elements nested deeper than 32 levels");
    if (++elements_ > kMaxXmlElements) return Fail("more than 200000 elements");
    std::string_view local(name);
    if (auto colon = local.rfind(':'); colon != std::string_view::npos) local.remove_prefix(colon + 1);
    XmlElement element;
    element.name = local;
    if (stack_.empty()) {
      root_ = std::move(element);
      stack_.push_back(&root_);
    } else {
      stack_.back()->children.push_back(std::move(element));
      stack_.push_back(&stack_.back()->children.back());
    }
  }
  void Close() {
    if (!stack_.empty()) stack_.pop_back();
  }
  void Text(const char* data, int length) {
    if (stack_.empty()) return;
    signer::AppendWiping(stack_.back()->text, std::string_view(data, static_cast<std::size_t>(length)));
  }
  void Fail(std::string rule) {
    if (!failure_) failure_ = std::move(rule);
    XML_StopParser(parser_, XML_FALSE);
  }

  const std::optional<std::string>& failure() const { return failure_; }
  XmlElement TakeRoot() { return std::move(root_); }

 private:
  XML_Parser parser_;
  XmlElement root_;
  // Pointers into root_'s tree: stable because only the last element's children grow.
  std::vector<XmlElement*> stack_;
  std::size_t elements_ = 0;
  std::optional<std::string> failure_;
};

TreeBuilder& BuilderOf(void* user) { return *static_cast<TreeBuilder*>(user); }

void InstallHandlers(XML_Parser parser, TreeBuilder& builder) {
  XML_SetUserData(parser, &builder);
  XML_SetElementHandler(
      parser, [](void* user, const XML_Char* name, const XML_Char**) { BuilderOf(user).Open(name); },
      [](void* user, const XML_Char*) { BuilderOf(user).Close(); });
  XML_SetCharacterDataHandler(
      parser, [](void* user, const XML_Char* data, int length) { BuilderOf(user).Text(data, length); });
  // No DOCTYPE at all: without one there can be no entity declarations to expand.
  XML_SetStartDoctypeDeclHandler(parser, [](void* user, const XML_Char*, const XML_Char*,
                                            const XML_Char*, int) {
    BuilderOf(user).Fail("a DOCTYPE is not allowed in AWS responses");
  });
  XML_SetEntityDeclHandler(parser, [](void* user, const XML_Char*, int, const XML_Char*, int,
                                      const XML_Char*, const XML_Char*, const XML_Char*,
                                      const XML_Char*) {
    BuilderOf(user).Fail("entity declarations are not allowed");
  });
  XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
}

std::string LineOf(XML_Parser parser) {
  return "line " + std::to_string(XML_GetCurrentLineNumber(parser));
}

}  // namespace

Result<XmlElement> ParseXml(std::string_view xml) {
  if (xml.size() > kMaxXmlBytes) {
    return Error(ErrorCode::kResourceExhausted, "XML response larger than 8 MiB");
  }
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(
      XML_ParserCreate_MM("UTF-8", &kWipingMemory, nullptr));
  if (!parser) return Internal("XML_ParserCreate failed");
  TreeBuilder builder(parser.get());
  InstallHandlers(parser.get(), builder);
  XML_Status status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (builder.failure()) return InvalidArgument("XML rejected: " + *builder.failure(), LineOf(parser.get()));
  if (status != XML_STATUS_OK) {
    return InvalidArgument(std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(parser.get())),
                           LineOf(parser.get()));
  }
  return builder.TakeRoot();
}

void WipeXmlTree(XmlElement& element) noexcept {
  signer::WipeString(element.text);
  for (XmlElement& child : element.children) WipeXmlTree(child);
}

}  // namespace govd::accounts
