package aws

import (
	"context"
	"fmt"
	"net/http"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Config says how to reach AWS. The zero value uses the standard
// credential chain and the SDK's endpoints.
type Config struct {
	// Profile is the shared config profile; empty for the default chain.
	Profile string
	// Region is the default region for S3 and for KMS keys not given by ARN.
	// Empty means the SDK's own (AWS_REGION, the profile's region).
	Region string
	// MaxAttempts per API call (default 10): throttling (RequestLimitExceeded,
	// Throttling, ThrottlingException, SlowDown, ...) and 5xx errors are
	// retried with jittered exponential backoff up to MaxBackoff (default 20s).
	MaxAttempts int
	MaxBackoff  time.Duration
	// EC2Endpoint, S3Endpoint and KMSEndpoint override the SDK's endpoints,
	// for VPC endpoints and local test servers; S3Endpoint also switches S3
	// to path-style addressing. When empty, the SDK's own
	// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> variables still apply.
	EC2Endpoint, S3Endpoint, KMSEndpoint string
	// HTTPClient, when set, sends every EC2, S3 and KMS request; its own TLS
	// settings then apply, not AWS_CA_BUNDLE. Credential providers keep the
	// SDK's client.
	HTTPClient *http.Client
	// Credentials replaces the credential chain (tests use static keys).
	Credentials sdk.CredentialsProvider
	// AccessKey, SecretKey and SessionToken are static credentials; they
	// replace the chain (environment, shared files, IMDS) when set.
	AccessKey, SecretKey, SessionToken string
	// SharedCredentialsFile replaces ~/.aws/credentials (the
	// AWS_SHARED_CREDENTIALS_FILE variable does the same).
	SharedCredentialsFile string
	// AssumeRole, when set, makes every call with the role's temporary
	// credentials, obtained with the credentials above (or the chain) and
	// renewed before they expire.
	AssumeRole *AssumeRole
	// STSEndpoint overrides STS's endpoint (VPC endpoints, test servers).
	STSEndpoint string
}

// AssumeRole says which IAM role to assume.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	// ExternalID is the role trust policy's sts:ExternalId condition.
	ExternalID string
	// Duration of the role session; zero is STS's default (one hour).
	Duration time.Duration
}

// Client reaches EC2, S3 and KMS in any region.
type Client struct {
	cfg Config
	sdk sdk.Config
}

// New loads the SDK configuration. It makes no API call.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() sdk.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = cfg.MaxAttempts
				o.MaxBackoff = cfg.MaxBackoff
				// Many regions in parallel must not drain one shared
				// retry budget: every call gets its full attempts.
				o.RateLimiter = ratelimit.None
			})
		}),
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.SharedCredentialsFile != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{cfg.SharedCredentialsFile}))
	}
	if cfg.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken)))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	// HTTPClient is not given to LoadDefaultConfig: with AWS_CA_BUNDLE set
	// it would refuse any client but the SDK's own. Each service client
	// gets it instead.
	c, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		if cfg.Profile != "" {
			return nil, fmt.Errorf("load AWS configuration (profile %s): %w", cfg.Profile, err)
		}
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if r := cfg.AssumeRole; r != nil {
		c.Credentials = sdk.NewCredentialsCache(stscreds.NewAssumeRoleProvider(cfg.sts(c), r.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = r.SessionName
			if r.ExternalID != "" {
				o.ExternalID = sdk.String(r.ExternalID)
			}
			o.Duration = r.Duration
		}))
	}
	return &Client{cfg: cfg, sdk: c}, nil
}

// sts is the STS client that assumes the role, with the base credentials.
func (cfg Config) sts(base sdk.Config) *sts.Client {
	return sts.NewFromConfig(base, func(o *sts.Options) {
		if cfg.STSEndpoint != "" {
			o.BaseEndpoint = sdk.String(cfg.STSEndpoint)
		}
		if cfg.HTTPClient != nil {
			o.HTTPClient = cfg.HTTPClient
		}
	})
}

// region is r, or the configured default when r is empty.
func (c *Client) region(r string) (string, error) {
	if r != "" {
		return r, nil
	}
	if c.sdk.Region != "" {
		return c.sdk.Region, nil
	}
	return "", fmt.Errorf("no AWS region: set the region in the configuration, AWS_REGION or the profile")
}

func (c *Client) ec2(region string) *ec2.Client {
	return ec2.NewFromConfig(c.sdk, func(o *ec2.Options) {
		o.Region = region
		if c.cfg.EC2Endpoint != "" {
			o.BaseEndpoint = sdk.String(c.cfg.EC2Endpoint)
		}
		if c.cfg.HTTPClient != nil {
			o.HTTPClient = c.cfg.HTTPClient
		}
	})
}

func (c *Client) s3(region string) *s3.Client {
	return s3.NewFromConfig(c.sdk, func(o *s3.Options) {
		o.Region = region
		if c.cfg.S3Endpoint != "" {
			o.BaseEndpoint = sdk.String(c.cfg.S3Endpoint)
			o.UsePathStyle = true
		}
		if c.cfg.HTTPClient != nil {
			o.HTTPClient = c.cfg.HTTPClient
		}
	})
}

// kms returns a KMS client for region; endpoint, when set, replaces the
// SDK's.
func (c *Client) kms(region, endpoint string) *kms.Client {
	return kms.NewFromConfig(c.sdk, func(o *kms.Options) {
		o.Region = region
		if endpoint != "" {
			o.BaseEndpoint = sdk.String(endpoint)
		}
		if c.cfg.HTTPClient != nil {
			o.HTTPClient = c.cfg.HTTPClient
		}
	})
}
