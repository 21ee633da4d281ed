#include "signer/string_to_sign.h"

namespace govd::signer {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool HasBasicShape(std::string_view d) {
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return false;
  for (std::size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
    if (!IsDigit(d[i])) return false;
  }
  return true;
}

bool IsAmzDate(std::string_view d) {
  if (!HasBasicShape(d)) return false;
  const int month = Number(d.substr(4, 2));
  if (month < 1 || month > 12) return false;
  const int day = Number(d.substr(6, 2));
  if (day < 1 || day > DaysInMonth(Number(d.substr(0, 4)), month)) return false;
  return Number(d.substr(9, 2)) < 24 && Number(d.substr(11, 2)) < 60 &&
         Number(d.substr(13, 2)) < 60;
}

Status CheckScopeName(std::string_view value, const char* field) {
  if (value.empty()) return InvalidArgument(std::string(field) + " is empty", field);
  for (char c : value) {
    if (!IsDigit(c) && !(c >= 'a' && c <= 'z') && c != '-') {
      return InvalidArgument(std::string(field) + " \"" + std::string(value) +
                                 "\" may hold only a-z, 0-9 and '-'",
                             field);
    }
  }
  return Ok();
}

Status CheckPayloadHash(const SigningParams& params) {
  if (params.payload != PayloadMode::kPrecomputed) return Ok();
  if (params.payload_hash.empty()) {
    return InvalidArgument("payload_hash is empty with PayloadMode::kPrecomputed", "payload_hash");
  }
  for (char c : params.payload_hash) {
    if (c <= ' ' || c > '~') {
      return InvalidArgument("payload_hash must be printable ASCII without spaces", "payload_hash");
    }
  }
  return Ok();
}

}  // namespace

Status ValidateSigningParams(const SigningParams& params) {
  if (!IsAmzDate(params.amz_date)) {
    return InvalidArgument("amz_date \"" + params.amz_date +
                               "\" is not an ISO-8601 basic UTC time (YYYYMMDDTHHMMSSZ)",
                           "amz_date");
  }
  GOVD_TRY(CheckScopeName(params.region, "region"));
  GOVD_TRY(CheckScopeName(params.service, "service"));
  return CheckPayloadHash(params);
}

std::string CredentialScope(std::string_view date8, std::string_view region,
                            std::string_view service) {
  constexpr std::string_view kTerminator = "/aws4_request";
  std::string scope;
  scope.reserve(date8.size() + region.size() + service.size() + kTerminator.size() + 2);
  scope.append(date8).append(1, '/').append(region).append(1, '/').append(service);
  scope.append(kTerminator);
  return scope;
}

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request) {
  return BuildStringToSign(amz_date, scope, Sha256(canonical_request));
}

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              const Sha256Digest& canonical_request_hash) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  out.append(kAlgorithm).append(1, '\n').append(amz_date).append(1, '\n');
  out.append(scope).append(1, '\n');
  AppendHex(out, canonical_request_hash);
  return out;
}

}  // namespace govd::signer
