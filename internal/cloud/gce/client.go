package gce

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	kms "cloud.google.com/go/kms/apiv1"
	"cloud.google.com/go/storage"
	"github.com/googleapis/gax-go/v2"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// Defaults for Config's retry settings.
const (
	DefaultMaxAttempts = 8
	DefaultMaxBackoff  = 20 * time.Second
	// firstBackoff is the wait before the second attempt, before jitter.
	firstBackoff = 100 * time.Millisecond
)

// Config says how to reach Google Cloud. The zero value uses Application
// Default Credentials and Google's endpoints.
type Config struct {
	// ComputeEndpoint and KMSEndpoint are origins such as
	// "https://compute.googleapis.com": the libraries add /compute/v1/ and
	// /v1/ to every path. StorageEndpoint is the JSON API base and ends in
	// /storage/v1/, e.g. "https://storage.googleapis.com/storage/v1/".
	// Empty means Google's public endpoint.
	ComputeEndpoint, StorageEndpoint, KMSEndpoint string
	// WithoutAuthentication sends no credentials (local test servers only).
	WithoutAuthentication bool
	// HTTPClient, when set, carries every request as is: it must add
	// credentials itself, as the libraries then add none.
	HTTPClient *http.Client
	// MaxAttempts per call (default 8): 429, 5xx and the rateLimitExceeded
	// and userRateLimitExceeded reasons are retried with jittered
	// exponential backoff, waits growing from 100ms to MaxBackoff (default
	// 20s). The libraries' own retries are turned off, so this is the one
	// limit.
	MaxAttempts int
	MaxBackoff  time.Duration
	// CredentialsFile and CredentialsJSON are a JSON credentials file
	// (service account key, gcloud's authorized user, workload identity
	// federation) by path or by content, in place of Application Default
	// Credentials.
	CredentialsFile string
	CredentialsJSON []byte
	// ImpersonateServiceAccount makes every call as this service account,
	// with tokens the IAM Credentials API issues to the credentials above.
	ImpersonateServiceAccount string
	// IAMCredentialsEndpoint overrides the IAM Credentials API's origin
	// (test servers); empty is DefaultIAMCredentialsEndpoint.
	IAMCredentialsEndpoint string
}

// Client reaches Compute, Cloud Storage and Cloud KMS. Each API's client is
// made on first use, so a build that only uses one API needs access to
// only that one. A Client is safe for concurrent use.
type Client struct {
	cfg Config

	mu      sync.Mutex
	closed  bool
	ts      oauth2.TokenSource
	tsDone  bool
	tsErr   error
	images  *compute.ImagesClient
	storage *storage.Client
	kms     *kms.KeyManagementClient
}

// New returns a Client; it makes no API call and reads no credentials.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.MaxAttempts < 0 || cfg.MaxBackoff < 0 {
		return nil, fmt.Errorf("retry settings max attempts %d, max backoff %s: want zero (the default) or more", cfg.MaxAttempts, cfg.MaxBackoff)
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	return &Client{cfg: cfg}, nil
}

// errClosed is returned by calls on a closed Client.
var errClosed = errors.New("google cloud client is closed")

// options are the client options for endpoint. The credentials are read
// once, on first use; c.mu is held.
func (c *Client) options(ctx context.Context, endpoint string) ([]option.ClientOption, error) {
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
	if !c.tsDone {
		c.ts, c.tsErr = c.cfg.tokenSource(context.WithoutCancel(ctx))
		c.tsDone = true
	}
	if c.tsErr != nil {
		return nil, c.tsErr
	}
	if c.ts != nil {
		opts = append(opts, option.WithTokenSource(c.ts))
	}
	return opts, nil
}

// The API clients are made with context.WithoutCancel(ctx): the first
// call's context may end long before the Client does, and credentials
// refreshed later must not inherit its cancellation.

func (c *Client) imagesClient(ctx context.Context) (*compute.ImagesClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errClosed
	}
	if c.images == nil {
		opts, err := c.options(ctx, c.cfg.ComputeEndpoint)
		if err != nil {
			return nil, err
		}
		ic, err := compute.NewImagesRESTClient(context.WithoutCancel(ctx), opts...)
		if err != nil {
			return nil, fmt.Errorf("open compute client: %w", err)
		}
		c.images = ic
	}
	return c.images, nil
}

func (c *Client) storageClient(ctx context.Context) (*storage.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errClosed
	}
	if c.storage == nil {
		// JSON reads go to the same API, and endpoint, as writes.
		opts, err := c.options(ctx, c.cfg.StorageEndpoint)
		if err != nil {
			return nil, err
		}
		sc, err := storage.NewClient(context.WithoutCancel(ctx), append(opts, storage.WithJSONReads())...)
		if err != nil {
			return nil, fmt.Errorf("open cloud storage client: %w", err)
		}
		sc.SetRetry(storage.WithPolicy(storage.RetryNever))
		c.storage = sc
	}
	return c.storage, nil
}

func (c *Client) kmsClient(ctx context.Context) (*kms.KeyManagementClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errClosed
	}
	if c.kms == nil {
		opts, err := c.options(ctx, c.cfg.KMSEndpoint)
		if err != nil {
			return nil, err
		}
		kc, err := kms.NewKeyManagementRESTClient(context.WithoutCancel(ctx), opts...)
		if err != nil {
			return nil, fmt.Errorf("open cloud kms client: %w", err)
		}
		c.kms = kc
	}
	return c.kms, nil
}

// Close releases the clients; later calls fail.
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
	c.closed, c.images, c.storage, c.kms = true, nil, nil, nil
	return errors.Join(errs...)
}

// noLibraryRetry turns off a generated client's own retries (Compute and
// KMS retry 503 and 504 until a 60s to 600s timeout by default), so that
// retry below, and MaxAttempts, decide alone.
var noLibraryRetry = gax.WithRetry(func() gax.Retryer { return nil })

// retry runs call until it succeeds, fails with an error not worth
// retrying, or has run MaxAttempts times. Waits double from 100ms up to
// MaxBackoff, each drawn from [wait/2, 3*wait/2) so that parallel builds
// do not retry in step.
func (c *Client) retry(ctx context.Context, call func() error) error {
	wait := min(firstBackoff, c.cfg.MaxBackoff)
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !retryable(err) {
			return err
		}
		if attempt >= c.cfg.MaxAttempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		t := time.NewTimer(wait/2 + rand.N(wait+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (retry stopped: %w)", err, context.Cause(ctx))
		case <-t.C:
		}
		wait = min(2*wait, c.cfg.MaxBackoff)
	}
}

// retryable says whether err is throttling or a server error. Compute
// reports some quota throttling as 403 with reason rateLimitExceeded or
// userRateLimitExceeded, hence the reasons.
func retryable(err error) bool {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		return false
	}
	if gerr.Code == http.StatusTooManyRequests || gerr.Code >= 500 {
		return true
	}
	for _, e := range gerr.Errors {
		if e.Reason == "rateLimitExceeded" || e.Reason == "userRateLimitExceeded" {
			return true
		}
	}
	return false
}

// httpCode is the HTTP status of an API error, 0 for other errors.
func httpCode(err error) int {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		return gerr.Code
	}
	return 0
}
