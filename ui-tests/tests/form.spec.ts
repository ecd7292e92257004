/**
 * The run form checks the limits as the user types, with each message at its
 * field, and shows the VPC fields only for "VPC only".
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as h from './helpers';

function fieldError(form: Locator, path: string): Locator {
  return form.locator(`[data-testid="sagerun-field-error"][data-field="${path}"]`);
}

test('the form checks instance type and VPC limits at their fields; VPC fields only for VPC only', async ({
  page,
  tmpPath
}) => {
  const { nbPath, form, submit } = await h.openFormOn(page, tmpPath);

  // Instance type: the pattern (ml|sc).<family>.<size>.
  await h.setValue(form, 'sagerun-instance-type', 'm5.large');
  await expect(fieldError(form, 'computeConfiguration.instanceType')).toBeVisible();
  await expect(submit).toBeDisabled();
  await h.setValue(form, 'sagerun-instance-type', 'ml.m5.large');
  await expect(fieldError(form, 'computeConfiguration.instanceType')).toHaveCount(0);
  await expect(submit).toBeEnabled();

  // Public internet only: no VPC fields.
  await expect(form.locator('[data-testid="sagerun-vpc-id"]')).toHaveCount(0);
  await (await h.control(form, 'sagerun-network-vpc')).check();
  await expect(form.locator('[data-testid="sagerun-vpc-id"]')).toBeVisible();
  await expect(form.locator('[data-testid="sagerun-subnets"]')).toBeVisible();
  await expect(form.locator('[data-testid="sagerun-security-groups"]')).toBeVisible();

  // VPC only needs a VPC id.
  await h.setValue(form, 'sagerun-vpc-id', 'vpc-0123456789abcdef0');
  await h.setValue(form, 'sagerun-vpc-id', '');
  await expect(fieldError(form, 'networkConfiguration.vpcId')).toBeVisible();
  await expect(submit).toBeDisabled();
  await h.setValue(form, 'sagerun-vpc-id', 'vpc-0123456789abcdef0');
  await expect(fieldError(form, 'networkConfiguration.vpcId')).toHaveCount(0);

  // At most 10 subnets and 5 security groups.
  const subnets = Array.from({ length: 11 }, (_, i) => `subnet-${i}`).join(', ');
  await h.setValue(form, 'sagerun-subnets', subnets);
  await expect(fieldError(form, 'networkConfiguration.subnetIds')).toBeVisible();
  await expect(fieldError(form, 'networkConfiguration.subnetIds')).toContainText('10');
  const groups = Array.from({ length: 6 }, (_, i) => `sg-${i}`).join(', ');
  await h.setValue(form, 'sagerun-security-groups', groups);
  await expect(fieldError(form, 'networkConfiguration.securityGroupIds')).toBeVisible();
  await expect(fieldError(form, 'networkConfiguration.securityGroupIds')).toContainText('5');
  await expect(submit).toBeDisabled();

  // Back to public internet only: the VPC fields and their errors go away.
  await (await h.control(form, 'sagerun-network-public')).check();
  await expect(form.locator('[data-testid="sagerun-vpc-id"]')).toHaveCount(0);
  await expect(form.locator('[data-testid="sagerun-field-error"]')).toHaveCount(0);
  await expect(submit).toBeEnabled();

  await page.locator('[data-testid="sagerun-cancel"]').first().click();
  await expect(form).toBeHidden();
  expect(await h.runsOf(page, nbPath)).toHaveLength(0);
});
