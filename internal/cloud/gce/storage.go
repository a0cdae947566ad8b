package gce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"cloud.google.com/go/storage"
)

// Upload writes body to gs://bucket/object, replacing any object there,
// and returns that URI.
func (c *Client) Upload(ctx context.Context, bucket, object string, body []byte, contentType string) (string, error) {
	uri := "gs://" + bucket + "/" + object
	if bucket == "" || object == "" {
		return "", fmt.Errorf("upload %s: want a bucket and an object name", uri)
	}
	sc, err := c.storageClient(ctx)
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", uri, err)
	}
	// The storage library cannot retry a single-request upload (it keeps no
	// copy of the body), so retry sends the whole body again.
	err = c.retry(ctx, func() error {
		w := sc.Bucket(bucket).Object(object).NewWriter(ctx)
		w.ContentType = contentType
		// One request for the small files we write.
		w.ChunkSize = 0
		if _, err := w.Write(body); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	})
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", uri, err)
	}
	return uri, nil
}

// Download reads gs://bucket/object, at most limit bytes; a missing object
// is reported with fs.ErrNotExist.
func (c *Client) Download(ctx context.Context, bucket, object string, limit int64) ([]byte, error) {
	uri := "gs://" + bucket + "/" + object
	sc, err := c.storageClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", uri, err)
	}
	var b []byte
	err = c.retry(ctx, func() error {
		r, err := sc.Bucket(bucket).Object(object).NewReader(ctx)
		if err != nil {
			return err
		}
		defer r.Close()
		b, err = io.ReadAll(io.LimitReader(r, limit+1))
		return err
	})
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, fmt.Errorf("%s: %w", uri, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", uri, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", uri, limit)
	}
	return b, nil
}
