package aws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// PutObject uploads body to s3://bucket/key in Config.Region and returns
// that URI.
func (c *Client) PutObject(ctx context.Context, bucket, key string, body []byte, contentType string) (string, error) {
	uri := "s3://" + bucket + "/" + key
	_, err := c.s3().PutObject(ctx, &s3.PutObjectInput{
		Bucket: sdk.String(bucket), Key: sdk.String(key), Body: bytes.NewReader(body),
		ContentType: sdk.String(contentType), ContentLength: sdk.Int64(int64(len(body))),
	})
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", uri, err)
	}
	return uri, nil
}

// GetObject reads s3://bucket/key, at most limit bytes; a missing object
// is reported with fs.ErrNotExist.
func (c *Client) GetObject(ctx context.Context, bucket, key string, limit int64) ([]byte, error) {
	uri := "s3://" + bucket + "/" + key
	out, err := c.s3().GetObject(ctx, &s3.GetObjectInput{Bucket: sdk.String(bucket), Key: sdk.String(key)})
	if err != nil {
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) {
			return nil, fmt.Errorf("%s: %w", uri, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("download %s: %w", uri, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", uri, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", uri, limit)
	}
	return b, nil
}
