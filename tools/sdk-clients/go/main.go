// Command sdk-clients calls every simulator route through the official Huawei Cloud Go SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3) and prints one JSON outcome per call.
//
// Input on stdin (tests/sdk_clients/scenario.py run_input): the simulator's endpoint, AK/SK, project ids and
// seeded ids. Output on stdout: {"sdk": "go", "outcomes": [...]}, each outcome as documented in
// tests/sdk_clients/report.py. Exit status 0 whenever the report was written, whatever the outcomes.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

type input struct {
	Endpoint              string `json:"endpoint"`
	AccessKey             string `json:"access_key"`
	SecretKey             string `json:"secret_key"`
	ProjectID             string `json:"project_id"`
	MemberProjectID       string `json:"member_project_id"`
	MemberAccessKey       string `json:"member_access_key"`
	MemberSecretKey       string `json:"member_secret_key"`
	MemberVaultID         string `json:"member_vault_id"`
	GlanceMemberProjectID string `json:"glance_member_project_id"`
	CbrBackupID           string `json:"cbr_backup_id"`
	VolumeID              string `json:"volume_id"`
	RunningServerID       string `json:"running_server_id"`
	StoppedServerID       string `json:"stopped_server_id"`
	ExistingImageID       string `json:"existing_image_id"`
}

type outcome struct {
	Op           string  `json:"op"`
	SdkMethod    string  `json:"sdk_method"`
	Status       *int    `json:"status"`
	ErrorCode    *string `json:"error_code"`
	ErrorMessage *string `json:"error_message"`
	findings
}

// capture keeps the last raw answer: the SDK's response structs do not keep the body.
type capture struct {
	next   http.RoundTripper
	status int
	body   []byte
}

func (c *capture) RoundTrip(request *http.Request) (*http.Response, error) {
	response, err := c.next.RoundTrip(request)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(response.Body)
	_ = response.Body.Close()
	if err != nil {
		return nil, err
	}
	c.status, c.body = response.StatusCode, body
	response.Body = io.NopCloser(bytes.NewReader(body))
	return response, nil
}

type recorder struct {
	in       input
	capture  *capture
	outcomes []outcome
}

// client builds the HTTP client of one service, signing for `project` (the SDK sends it as X-Project-Id).
func (r *recorder) client(builder *core.HcHttpClientBuilder, project string) *core.HcHttpClient {
	return r.clientAs(builder, project, r.in.AccessKey, r.in.SecretKey)
}

// clientAs is client with another project's own keys (the share's target accepts with its keys).
func (r *recorder) clientAs(builder *core.HcHttpClientBuilder, project, ak, sk string) *core.HcHttpClient {
	credentials, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).
		WithProjectId(project).SafeBuild()
	if err != nil {
		fail(err)
	}
	httpConfig := config.DefaultHttpConfig().WithIgnoreSSLVerification(true).WithHttpRoundTripper(r.capture)
	client, err := builder.WithEndpoints([]string{r.in.Endpoint}).WithCredential(credentials).
		WithHttpConfig(httpConfig).SafeBuild()
	if err != nil {
		fail(err)
	}
	return client
}

// call runs one SDK operation and records its outcome; it returns the response, or nil on an error.
func (r *recorder) call(op string, run func() (interface{}, error)) interface{} {
	r.capture.status, r.capture.body = 0, nil
	method := op[strings.Index(op, ".")+1:]
	result := outcome{Op: op, SdkMethod: method, findings: newFindings()}
	response, err := run()
	if r.capture.status != 0 {
		status := r.capture.status
		result.Status = &status
	}
	var service *sdkerr.ServiceResponseError
	switch {
	case errors.As(err, &service):
		result.Status, result.ErrorCode, result.ErrorMessage = &service.StatusCode, &service.ErrorCode, &service.ErrorMessage
		response = nil
	case err != nil: // no answer, or an answer the SDK could not read into its model
		code, message := "SDK", err.Error()
		result.ErrorCode, result.ErrorMessage = &code, &message
		response = nil
	case len(bytes.TrimSpace(r.capture.body)) > 0:
		decoder := json.NewDecoder(bytes.NewReader(r.capture.body))
		decoder.UseNumber()
		var raw interface{}
		if decodeErr := decoder.Decode(&raw); decodeErr != nil {
			code, message := "SDK", "answer is not JSON: "+decodeErr.Error()
			result.ErrorCode, result.ErrorMessage = &code, &message
		} else {
			result.findings = checkBody(raw, reflect.TypeOf(response))
			sort.Strings(result.Unknown)
		}
	}
	r.outcomes = append(r.outcomes, result)
	return response
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "error running the Go SDK clients: %v. Check the input JSON on stdin.\n", err)
	os.Exit(2)
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail(err)
	}
	r := &recorder{in: in, capture: &capture{next: http.DefaultTransport}}
	cbrAndEvs(r)
	imageID := imsRun(r)
	ecsRun(r, imageID)
	if imageID != "" {
		deleteImage(r, imageID)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"sdk": "go", "outcomes": r.outcomes}); err != nil {
		fail(err)
	}
}
