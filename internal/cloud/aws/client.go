package aws

import (
	"context"
	"fmt"
	"net/http"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Config says how to reach AWS. The zero value uses the standard
// credential chain and the SDK's endpoints.
type Config struct {
	// Profile is the shared config profile; empty for the default chain.
	Profile string
	// Region is the default region for S3 and for KMS keys not given by ARN.
	Region string
	// MaxAttempts per API call (default 10): throttling and 5xx errors are
	// retried with jittered exponential backoff up to MaxBackoff (default 20s).
	MaxAttempts int
	MaxBackoff  time.Duration
	// Endpoint overrides, for VPC endpoints and local test servers. The
	// SDK's own AWS_ENDPOINT_URL_* variables keep working.
	EC2Endpoint, S3Endpoint, KMSEndpoint string
	// HTTPClient replaces the SDK's default client.
	HTTPClient *http.Client
	// Credentials replaces the credential chain (tests).
	Credentials sdk.CredentialsProvider
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
				o.RateLimiter = noRateLimit{}
			})
		}),
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(cfg.HTTPClient))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	c, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return &Client{cfg: cfg, sdk: c}, nil
}

func (c *Client) ec2(region string) *ec2.Client {
	return ec2.NewFromConfig(c.sdk, func(o *ec2.Options) {
		o.Region = region
		if c.cfg.EC2Endpoint != "" {
			o.BaseEndpoint = sdk.String(c.cfg.EC2Endpoint)
		}
	})
}

// s3 returns an S3 client for region, or for Config.Region when empty.
func (c *Client) s3(region string) *s3.Client {
	return s3.NewFromConfig(c.sdk, func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
		if c.cfg.S3Endpoint != "" {
			o.BaseEndpoint = sdk.String(c.cfg.S3Endpoint)
			o.UsePathStyle = true
		}
	})
}

func (c *Client) kms(region, endpoint string) *kms.Client {
	return kms.NewFromConfig(c.sdk, func(o *kms.Options) {
		if region != "" {
			o.Region = region
		}
		if endpoint != "" {
			o.BaseEndpoint = sdk.String(endpoint)
		}
	})
}

// noRateLimit gives every retry without charge.
type noRateLimit struct{}

func (noRateLimit) GetToken(context.Context, uint) (func() error, error) { return noop, nil }
func (noRateLimit) AddTokens(uint) error                                 { return nil }

func noop() error { return nil }
