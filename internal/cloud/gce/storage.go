package gce

import (
	"context"
	"fmt"
)

// Upload writes body to gs://bucket/object and returns that URI.
func (c *Client) Upload(ctx context.Context, bucket, object string, body []byte, contentType string) (string, error) {
	uri := "gs://" + bucket + "/" + object
	sc, err := c.storageClient(ctx)
	if err != nil {
		return "", err
	}
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
