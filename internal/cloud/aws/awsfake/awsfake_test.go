package awsfake_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
)

// scope is a SigV4 Authorization header for region; the fakes read the
// region from it and check no signature.
func scope(region, service string) string {
	return "AWS4-HMAC-SHA256 Credential=AKIDFAKE/20261123/" + region + "/" + service + "/aws4_request, SignedHeaders=host, Signature=0"
}

// post sends a raw request to a fake and returns its status and body.
func post(t *testing.T, endpoint string, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestEC2Errors(t *testing.T) {
	env := awsfake.Start(t)
	env.EC2.AddImage("eu-west-1", awsfake.Image{ImageID: "ami-0abc", OwnerID: "1"})
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		header map[string]string
		body   url.Values
		status int
		want   []string
	}{
		{"unknown action", map[string]string{"Authorization": scope("eu-west-1", "ec2"), "Content-Type": form},
			url.Values{"Action": {"RunInstances"}, "Version": {"2016-11-15"}}, http.StatusBadRequest,
			[]string{"<Response><Errors><Error><Code>InvalidAction</Code>", "The action RunInstances is not valid", "<RequestID>"}},
		{"no action", map[string]string{"Authorization": scope("eu-west-1", "ec2"), "Content-Type": form},
			url.Values{"Version": {"2016-11-15"}}, http.StatusBadRequest, []string{"<Code>MissingAction</Code>"}},
		{"unsigned", map[string]string{"Content-Type": form},
			url.Values{"Action": {"DescribeImages"}, "ImageId.1": {"ami-0abc"}}, http.StatusUnauthorized, []string{"<Code>AuthFailure</Code>"}},
		{"image of another region", map[string]string{"Authorization": scope("us-east-1", "ec2"), "Content-Type": form},
			url.Values{"Action": {"DescribeImages"}, "ImageId.1": {"ami-0abc"}}, http.StatusBadRequest,
			[]string{"<Code>InvalidAMIID.NotFound</Code>", "[ami-0abc]", "does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, env.EC2.URL(), tt.header, tt.body.Encode())
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q:\n%s", w, body)
				}
			}
		})
	}
}

func TestEC2ThrottleAndFail(t *testing.T) {
	env := awsfake.Start(t)
	env.EC2.AddImage("eu-west-1", awsfake.Image{ImageID: "ami-0abc", OwnerID: "1"})
	env.EC2.Throttle("eu-west-1", "DescribeImages", 1)
	env.EC2.Fail("eu-west-1", "CreateTags", "UnauthorizedOperation")
	h := map[string]string{"Authorization": scope("eu-west-1", "ec2"), "Content-Type": "application/x-www-form-urlencoded"}
	describe := url.Values{"Action": {"DescribeImages"}, "ImageId.1": {"ami-0abc"}}.Encode()
	if status, body := post(t, env.EC2.URL(), h, describe); status != http.StatusServiceUnavailable || !strings.Contains(body, "<Code>RequestLimitExceeded</Code>") {
		t.Errorf("throttled call: %d %s", status, body)
	}
	if status, body := post(t, env.EC2.URL(), h, describe); status != http.StatusOK || !strings.Contains(body, "<imageId>ami-0abc</imageId>") {
		t.Errorf("call after the throttling: %d %s", status, body)
	}
	tag := url.Values{"Action": {"CreateTags"}, "ResourceId.1": {"ami-0abc"}, "Tag.1.Key": {"k"}, "Tag.1.Value": {"v"}}.Encode()
	for i := 0; i < 2; i++ {
		if status, body := post(t, env.EC2.URL(), h, tag); status != http.StatusForbidden || !strings.Contains(body, "<Code>UnauthorizedOperation</Code>") {
			t.Errorf("failing call %d: %d %s", i, status, body)
		}
	}
	calls := env.EC2.Calls()
	if len(calls) != 4 || calls[2].Action != "CreateTags" || calls[2].ImageIDs[0] != "ami-0abc" || calls[2].Tags["k"] != "v" {
		t.Errorf("calls %+v", calls)
	}
	if len(env.EC2.Tags("eu-west-1", "ami-0abc")) != 0 {
		t.Error("a failed CreateTags wrote tags")
	}
}

func kmsClient(env *awsfake.Env, region string) *kms.Client {
	return kms.New(kms.Options{Region: region, BaseEndpoint: sdk.String(env.KMS.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", "")})
}

func TestKMSDescribeKey(t *testing.T) {
	env := awsfake.Start(t)
	id, _ := env.KMS.AddKey("image-signing")
	for _, key := range []string{id, "alias/image-signing", env.KMS.ARN(id)} {
		t.Run(key, func(t *testing.T) {
			out, err := kmsClient(env, "us-east-1").DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: sdk.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			md := out.KeyMetadata
			if sdk.ToString(md.KeyId) != id || sdk.ToString(md.Arn) != env.KMS.ARN(id) || md.KeySpec != "ECC_NIST_P256" ||
				md.KeyUsage != "SIGN_VERIFY" || md.KeyState != "Enabled" || len(md.SigningAlgorithms) != 1 || md.SigningAlgorithms[0] != "ECDSA_SHA_256" {
				t.Errorf("key metadata %+v", md)
			}
		})
	}
}

func TestKMSErrors(t *testing.T) {
	env := awsfake.Start(t)
	id, _ := env.KMS.AddKey("image-signing")
	ctx := context.Background()
	// A key ARN is found only in its own region.
	_, err := kmsClient(env, "eu-west-1").GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: sdk.String(env.KMS.ARN(id))})
	if err == nil || !strings.Contains(err.Error(), "NotFoundException") {
		t.Errorf("key ARN of us-east-1 asked in eu-west-1: %v", err)
	}
	_, err = kmsClient(env, "us-east-1").Sign(ctx, &kms.SignInput{KeyId: sdk.String(id), Message: []byte("a message"), MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256"})
	if err == nil || !strings.Contains(err.Error(), "ValidationException") {
		t.Errorf("RAW message: %v", err)
	}
	status, body := post(t, env.KMS.URL(), map[string]string{"Authorization": scope("us-east-1", "kms"), "X-Amz-Target": "TrentService.Encrypt",
		"Content-Type": "application/x-amz-json-1.1"}, `{"KeyId":"alias/image-signing"}`)
	if status != http.StatusBadRequest || !strings.Contains(body, `"__type":"UnknownOperationException"`) || !strings.Contains(body, "Encrypt") {
		t.Errorf("unknown operation: %d %s", status, body)
	}
}

func TestLatency(t *testing.T) {
	env := awsfake.Start(t)
	env.EC2.Latency, env.KMS.Latency, env.S3.Latency = 30*time.Millisecond, 30*time.Millisecond, 30*time.Millisecond
	for name, endpoint := range map[string]string{"EC2": env.EC2.URL(), "KMS": env.KMS.URL(), "S3": env.S3.URL() + "/bucket"} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			post(t, endpoint, nil, "")
			if d := time.Since(start); d < 30*time.Millisecond {
				t.Errorf("answered in %s, want at least 30ms", d)
			}
		})
	}
}
