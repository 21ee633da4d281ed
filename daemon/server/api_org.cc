#include "daemon/server/api_org.h"

#include "daemon/server/org_file.h"

namespace govd::daemon {

ApiHandler MakeOrgShowHandler(const ApiStore& store) {
  return [&store](const ApiRequest& request) -> Result<ApiResponse> {
    GOVD_ASSIGN_OR_RETURN(std::unique_ptr<accounts::Store> opened, store.Open(request));
    GOVD_ASSIGN_OR_RETURN(accounts::Organisation org, opened->ReadOrganisation());
    ApiResponse response;
    response.body = OrganisationJson(org);
    return response;
  };
}

}  // namespace govd::daemon
