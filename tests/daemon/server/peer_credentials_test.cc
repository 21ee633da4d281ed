// The caller's identity from the kernel and its user name from the password database
// (daemon/server/peer_credentials.h), over a real socketpair.
#include "daemon/server/peer_credentials.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace govd::daemon {
namespace {

TEST(PeerCredentialsTest, NamesTheConnectingUidFromThePasswordDatabase) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  auto peer = ReadPeerCredentials(fds[0]);
  close(fds[0]);
  close(fds[1]);
  ASSERT_TRUE(peer) << peer.error().ToString();
  EXPECT_EQ(peer->uid, getuid());
  EXPECT_EQ(peer->pid, getpid());
  const passwd* entry = getpwuid(getuid());  // NOLINT(concurrency-mt-unsafe): one thread
  ASSERT_NE(entry, nullptr) << "the test runs as a uid with a name";
  EXPECT_EQ(peer->user_name, entry->pw_name);
}

TEST(PeerCredentialsTest, UidWithoutANameHasNone) {
  constexpr uid_t kNobodyKnows = 4301;
  ASSERT_EQ(getpwuid(kNobodyKnows), nullptr);  // NOLINT(concurrency-mt-unsafe): one thread
  EXPECT_EQ(UserNameOf(kNobodyKnows), "");
  EXPECT_EQ(UserNameOf(0), "root");
}

TEST(PeerCredentialsTest, NamesThatCouldForgeTheActorAreNotShown) {
  for (const char* good : {"alice", "a", "svc_backup", "j.smith", "build-01", "_apt", "ABC123"}) {
    EXPECT_TRUE(IsShowableUserName(good)) << good;
  }
  for (const char* bad : {"", "al)ice", "eve/admin", "x(y", "two words", "line\nbreak", "-rf", ".hidden",
                          "caf\xc3\xa9", "tab\there", "dollar$"}) {
    EXPECT_FALSE(IsShowableUserName(bad)) << bad;
  }
  EXPECT_TRUE(IsShowableUserName(std::string(32, 'a')));
  EXPECT_FALSE(IsShowableUserName(std::string(33, 'a')));
}

}  // namespace
}  // namespace govd::daemon
