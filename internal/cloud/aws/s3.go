package aws

import (
	"bytes"
	"context"
	"fmt"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
