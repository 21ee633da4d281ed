#include "accounts/aws/xml_document.h"

#include <gtest/gtest.h>

namespace govd::accounts {
namespace {

TEST(XmlDocumentTest, ReadsElementsTextAndPaths) {
  auto root = ParseXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>shared</Name>
<Contents><Key>a&amp;b</Key></Contents><Contents><Key>c</Key></Contents></ListBucketResult>)");
  ASSERT_TRUE(root) << root.error().ToString();
  EXPECT_EQ(root->name, "ListBucketResult");
  EXPECT_EQ(root->ChildText("Name"), "shared");
  ASSERT_EQ(root->ChildrenNamed("Contents").size(), 2U);
  EXPECT_EQ(root->Find({"Contents", "Key"})->text, "a&b");
  EXPECT_EQ(root->Find({"Contents", "Nope"}), nullptr);
  EXPECT_EQ(root->ChildText("Missing"), "");
}

TEST(XmlDocumentTest, DropsNamespacePrefixes) {
  auto root = ParseXml(R"(<s:Envelope xmlns:s="urn:x"><s:Body>1</s:Body></s:Envelope>)");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->name, "Envelope");
  EXPECT_EQ(root->ChildText("Body"), "1");
}

TEST(XmlDocumentTest, RejectsAnyDoctype) {
  auto plain = ParseXml("<!DOCTYPE Error><Error/>");
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message().find("DOCTYPE"), std::string::npos);
  // Billion laughs: never expanded, rejected at the DOCTYPE.
  auto laughs = ParseXml(R"(<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>)");
  ASSERT_FALSE(laughs);
  EXPECT_EQ(laughs.error().code(), ErrorCode::kInvalidArgument);
  auto external = ParseXml(R"(<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>)");
  ASSERT_FALSE(external);
}

TEST(XmlDocumentTest, UndeclaredEntityIsMalformed) {
  auto root = ParseXml("<x>&e;</x>");
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().where(), "line 1");
}

TEST(XmlDocumentTest, MalformedXmlNamesTheLine) {
  auto root = ParseXml("<a>\n<b></a>");
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().where(), "line 2");
}

TEST(XmlDocumentTest, DepthIsBounded) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  auto root = ParseXml(deep);
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().message().find("deeper"), std::string::npos);
}

}  // namespace
}  // namespace govd::accounts
