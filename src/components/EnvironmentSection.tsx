import * as React from 'react';

import { LIMITS } from '../api/limits';
import { ENVIRONMENT_FIELD, REQUIREMENTS_FILE } from '../model/environment';
import type { PackagesSource } from '../model/prefill';
import { describedBy, FieldRow, Section } from './Field';
import type { ISectionProps } from './TextRow';
import { SmallButton } from './SmallButton';

export interface IEnvironmentSectionProps extends ISectionProps {
  source: PackagesSource;
  /** The requirements.txt beside the notebook, when there is one. */
  requirementsPath: string | null;
  /** Reads requirements.txt again; null when it is gone. */
  loadRequirements: () => Promise<string | null>;
}

/**
 * The run's environment (DataZone's environmentConfiguration, set on the
 * notebook before the run): an image version and the packages, one requirement a
 * line as in requirements.txt.
 */
export function EnvironmentSection(
  props: IEnvironmentSectionProps
): JSX.Element {
  const { trans, state, errors, update } = props;
  const [source, setSource] = React.useState<PackagesSource>(props.source);
  const [reloadError, setReloadError] = React.useState('');
  const imageField = ENVIRONMENT_FIELD.imageVersion;
  const packagesField = ENVIRONMENT_FIELD.packages;
  const useRequirements = async () => {
    setReloadError('');
    const text = await props.loadRequirements().catch(() => null);
    if (text === null) {
      setReloadError(trans.__('%1 could not be read.', props.requirementsPath));
      return;
    }
    update({ packages: text }, [packagesField]);
    setSource('requirements');
  };
  const said =
    source === 'requirements'
      ? trans.__('From %1 beside the notebook.', props.requirementsPath)
      : source === 'lastRun'
        ? trans.__("From this notebook's last run.")
        : trans.__('One requirement a line, as in %1.', REQUIREMENTS_FILE);
  const hint = (
    <>
      <span data-testid="sagerun-packages-source">{said}</span>{' '}
      {trans.__(
        '%1 of at most %2 characters.',
        state.packages.length,
        LIMITS.packageSpecificationMax
      )}
      {reloadError ? <> {reloadError}</> : null}
    </>
  );
  return (
    <Section title={trans.__('Environment (packages)')}>
      <FieldRow
        label={trans.__('Image version')}
        htmlFor="sagerun-image-version"
        field={imageField}
        error={errors[imageField]}
        hint={trans.__(
          'The image the packages are added to (environmentConfiguration); empty keeps the default.'
        )}
      >
        <input
          id="sagerun-image-version"
          className="jp-mod-styled"
          data-testid="sagerun-image-version"
          placeholder={trans.__('default')}
          spellCheck={false}
          value={state.imageVersion}
          {...describedBy('sagerun-image-version', errors[imageField], true)}
          onChange={e => update({ imageVersion: e.target.value }, [imageField])}
        />
      </FieldRow>
      <FieldRow
        label={trans.__('Packages')}
        htmlFor="sagerun-packages"
        field={packagesField}
        error={errors[packagesField]}
        hint={hint}
      >
        <textarea
          id="sagerun-packages"
          className="jp-mod-styled jp-SageRun-packages"
          data-testid="sagerun-packages"
          placeholder="pandas==2.2.3"
          rows={4}
          spellCheck={false}
          value={state.packages}
          {...describedBy('sagerun-packages', errors[packagesField], true)}
          onChange={e => {
            setSource(null);
            update({ packages: e.target.value }, [packagesField]);
          }}
        />
        {props.requirementsPath ? (
          <SmallButton
            testId="sagerun-use-requirements"
            onClick={() => void useRequirements()}
          >
            {trans.__('Use %1', REQUIREMENTS_FILE)}
          </SmallButton>
        ) : null}
      </FieldRow>
    </Section>
  );
}
