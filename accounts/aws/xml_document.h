// accounts/aws/xml_document.h
// A small, safe XML reader for AWS responses (S3 REST-XML and the IAM/STS query protocol): a
// tree of elements with their text, built by libexpat. Any DOCTYPE is rejected, so entity
// declarations, entity expansion (billion laughs) and external entities cannot happen; depth,
// element count and input size are bounded. Attributes and namespaces are ignored: AWS responses
// carry data only in element text.
// Pure and thread safe (no shared state). Never logs the document (it may hold credentials).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace govd::accounts {

struct XmlElement {
  std::string name;  // local name, without any namespace prefix
  std::string text;  // character data directly inside this element
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  // The text of the first child named `name`, or "" when there is none.
  std::string ChildText(std::string_view child_name) const;
  // The element at a path of child names ({"Credentials", "AccessKeyId"}), or nullptr.
  const XmlElement* Find(std::initializer_list<std::string_view> path) const;
  // Every child named `name`, in document order.
  std::vector<const XmlElement*> ChildrenNamed(std::string_view child_name) const;
};

inline constexpr std::size_t kMaxXmlBytes = std::size_t{8} << 20;
inline constexpr std::size_t kMaxXmlDepth = 32;
inline constexpr std::size_t kMaxXmlElements = 200'000;

// Parses `xml` into its root element. kInvalidArgument, naming the line and the rule broken, for
// malformed XML, any DOCTYPE, or a document over the limits above. The parser's own buffers, and
// the text buffers it outgrows, are wiped before they are freed (an STS answer holds a secret key
// and a session token); the caller wipes the tree and `xml` once read (WipeXmlTree).
Result<XmlElement> ParseXml(std::string_view xml);

// Overwrites the text of `element` and of every element under it, and empties them.
void WipeXmlTree(XmlElement& element) noexcept;

}  // namespace govd::accounts
