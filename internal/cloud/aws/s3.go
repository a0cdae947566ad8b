package aws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// PutObject uploads body to s3://bucket/key and returns that URI. The
// request is sent to Config.Region (else the SDK's default region), which
// must be the bucket's: S3 refuses a write signed for another region, and
// PutObject does not look for the bucket elsewhere, since the writer is
// the one who chose where its bucket lives.
func (c *Client) PutObject(ctx context.Context, bucket, key string, body []byte, contentType string) (string, error) {
	uri := "s3://" + bucket + "/" + key
	region, err := c.region("")
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", uri, err)
	}
	_, err = c.s3(region).PutObject(ctx, &s3.PutObjectInput{
		Bucket: sdk.String(bucket), Key: sdk.String(key), Body: bytes.NewReader(body),
		ContentType: sdk.String(contentType), ContentLength: sdk.Int64(int64(len(body))),
	})
	if err != nil {
		return "", fmt.Errorf("upload %s in %s: %w", uri, region, err)
	}
	return uri, nil
}

// GetObject reads s3://bucket/key, at most limit bytes; a missing object
// is reported with fs.ErrNotExist. A bucket in another region than
// Config.Region is followed there: readers such as the verify command start
// from an AMI's region, not the bucket's.
func (c *Client) GetObject(ctx context.Context, bucket, key string, limit int64) ([]byte, error) {
	uri := "s3://" + bucket + "/" + key
	region, err := c.region("")
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", uri, err)
	}
	b, err := c.getObject(ctx, region, bucket, key, limit)
	if r := bucketRegion(err); r != "" && r != region {
		region = r
		b, err = c.getObject(ctx, region, bucket, key, limit)
	}
	if err != nil {
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) {
			return nil, fmt.Errorf("%s: %w", uri, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("download %s in %s: %w", uri, region, err)
	}
	return b, nil
}

func (c *Client) getObject(ctx context.Context, region, bucket, key string, limit int64) ([]byte, error) {
	out, err := c.s3(region).GetObject(ctx, &s3.GetObjectInput{Bucket: sdk.String(bucket), Key: sdk.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

// bucketRegion is the bucket's region from S3's redirect for a request
// sent to the wrong region, or "".
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusMovedPermanently {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}
