package gce

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	kms "cloud.google.com/go/kms/apiv1"
	"cloud.google.com/go/storage"
	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/option"
)

// Config says how to reach Google Cloud. The zero value uses Application
// Default Credentials and Google's endpoints.
type Config struct {
	// Endpoint overrides (private endpoints, local test servers).
	ComputeEndpoint, StorageEndpoint, KMSEndpoint string
	// WithoutAuthentication sends no credentials (local test servers only).
	WithoutAuthentication bool
	HTTPClient            *http.Client
	// MaxAttempts per call (default 8): 429 and 5xx responses are retried
	// with jittered exponential backoff up to MaxBackoff (default 20s).
	MaxAttempts int
	MaxBackoff  time.Duration
}

// Client reaches Compute, Cloud Storage and Cloud KMS. Each API's client is
// made on first use.
type Client struct {
	cfg Config

	mu      sync.Mutex
	images  *compute.ImagesClient
	storage *storage.Client
	kms     *kms.KeyManagementClient
}

// New returns a Client; it makes no API call.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 20 * time.Second
	}
	return &Client{cfg: cfg}, nil
}

func (c *Client) options(endpoint string) []option.ClientOption {
	var opts []option.ClientOption
	if endpoint != "" {
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	if c.cfg.WithoutAuthentication {
		opts = append(opts, option.WithoutAuthentication())
	}
	if c.cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(c.cfg.HTTPClient))
	}
	return opts
}

func (c *Client) imagesClient(ctx context.Context) (*compute.ImagesClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.images == nil {
		ic, err := compute.NewImagesRESTClient(ctx, c.options(c.cfg.ComputeEndpoint)...)
		if err != nil {
			return nil, fmt.Errorf("open Compute client: %w", err)
		}
		c.images = ic
	}
	return c.images, nil
}

func (c *Client) storageClient(ctx context.Context) (*storage.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.storage == nil {
		// JSON reads go to the same API, and endpoint, as writes.
		sc, err := storage.NewClient(ctx, append(c.options(c.cfg.StorageEndpoint), storage.WithJSONReads())...)
		if err != nil {
			return nil, fmt.Errorf("open Cloud Storage client: %w", err)
		}
		c.storage = sc
	}
	return c.storage, nil
}

func (c *Client) kmsClient(ctx context.Context) (*kms.KeyManagementClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kms == nil {
		kc, err := kms.NewKeyManagementRESTClient(ctx, c.options(c.cfg.KMSEndpoint)...)
		if err != nil {
			return nil, fmt.Errorf("open Cloud KMS client: %w", err)
		}
		c.kms = kc
	}
	return c.kms, nil
}

// Close releases the clients.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	if c.images != nil {
		errs = append(errs, c.images.Close())
	}
	if c.storage != nil {
		errs = append(errs, c.storage.Close())
	}
	if c.kms != nil {
		errs = append(errs, c.kms.Close())
	}
	return errors.Join(errs...)
}

// retry runs call until it succeeds, fails with an error that is not worth
// retrying, or MaxAttempts is reached.
func (c *Client) retry(ctx context.Context, call func() error) error {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || attempt >= c.cfg.MaxAttempts || !retryable(err) {
			return err
		}
		wait := time.Duration(rand.Int64N(int64(backoff))) + backoff/2
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		backoff = min(2*backoff, c.cfg.MaxBackoff)
	}
}

// retryable says whether err is throttling or a server error.
func retryable(err error) bool {
	code := httpCode(err)
	return code == http.StatusTooManyRequests || code >= 500 ||
		strings.Contains(err.Error(), "rateLimitExceeded") || strings.Contains(err.Error(), "userRateLimitExceeded")
}

func httpCode(err error) int {
	var ae *apierror.APIError
	if errors.As(err, &ae) {
		return ae.HTTPCode()
	}
	return 0
}
